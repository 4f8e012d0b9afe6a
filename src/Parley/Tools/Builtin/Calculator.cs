using System.Globalization;

namespace Parley.Tools;

/// <summary>
/// The <c>calculator</c> tool: a small recursive-descent evaluator over doubles (no eval, no reflection).
/// Numbers (<c>1.5</c>, <c>2e3</c>), <c>+ - * / %</c>, <c>^</c> or <c>**</c> (right-associative, binds tighter than
/// unary minus: <c>-2^2 = -4</c>), parentheses, constants <c>pi</c> and <c>e</c>, and the functions
/// sqrt, cbrt, abs, round(x[, digits]), floor, ceil, trunc, min, max, exp, ln, log (natural or log(x, base)),
/// log10, log2, sin, cos, tan, asin, acos, atan, pow(x, y).
/// </summary>
public static class Calculator
{
    public const string ToolName = "calculator";

    public const string Description =
        "Evaluates an arithmetic expression exactly, e.g. \"(17.5 * 3) / 4\", \"2^10\", \"sqrt(2)\", \"round(10/3, 2)\". "
        + "Supports + - * / % ^, parentheses, pi, e and sqrt, abs, round, floor, ceil, min, max, exp, ln, log, log10, sin, cos, tan.";

    private const int MaxLength = 1000;
    private const int MaxDepth = 64;

    /// <summary>The result as text.</summary>
    /// <exception cref="ToolException">The expression is malformed or its value is not a finite number.</exception>
    public static string Run(string expression)
    {
        try
        {
            return Format(Evaluate(expression));
        }
        catch (FormatException ex)
        {
            throw new ToolException(ex.Message, ex);
        }
    }

    /// <exception cref="FormatException">The expression is malformed or its value is not a finite number.</exception>
    public static double Evaluate(string expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
            throw new FormatException("the expression is empty.");
        if (expression.Length > MaxLength)
            throw new FormatException($"the expression is longer than {MaxLength} characters.");

        var parser = new Parser(expression);
        var value = parser.ParseAll();
        if (double.IsNaN(value))
            throw new FormatException("the result is not a number (for example the square root of a negative number).");
        if (double.IsInfinity(value))
            throw new FormatException("the result is too large.");
        return value;
    }

    public static string Format(double value) =>
        (Math.Abs(value) < 1e-12 ? 0 : value).ToString("G15", CultureInfo.InvariantCulture);

    private sealed class Parser(string text)
    {
        private int _pos;
        private int _depth;

        public double ParseAll()
        {
            var value = Expression();
            SkipSpace();
            if (_pos < text.Length)
                throw Error($"unexpected '{text[_pos]}' at position {_pos + 1}.");
            return value;
        }

        // expression := term (('+' | '-') term)*
        private double Expression()
        {
            var value = Term();
            while (true)
            {
                if (Accept('+'))
                    value += Term();
                else if (Accept('-'))
                    value -= Term();
                else
                    return value;
            }
        }

        // term := unary (('*' | '/' | '%') unary)*
        private double Term()
        {
            var value = Unary();
            while (true)
            {
                SkipSpace();
                if (Peek("**"))
                    return value; // only after a malformed power such as "2 ** ** 3"; reported by the caller
                if (Accept('*') || Accept('×'))
                {
                    value *= Unary();
                }
                else if (Accept('/') || Accept('÷'))
                {
                    var divisor = Unary();
                    if (divisor == 0)
                        throw Error("division by zero.");
                    value /= divisor;
                }
                else if (Accept('%'))
                {
                    var divisor = Unary();
                    if (divisor == 0)
                        throw Error("modulo by zero.");
                    value %= divisor;
                }
                else
                {
                    return value;
                }
            }
        }

        // unary := ('-' | '+') unary | power
        private double Unary()
        {
            Enter();
            try
            {
                if (Accept('-') || Accept('−'))
                    return -Unary();
                if (Accept('+'))
                    return Unary();
                return Power();
            }
            finally
            {
                _depth--;
            }
        }

        // power := primary (('^' | '**') unary)?
        private double Power()
        {
            var value = Primary();
            SkipSpace();
            if (Peek("**"))
            {
                _pos += 2;
                return Math.Pow(value, Unary());
            }

            return Accept('^') ? Math.Pow(value, Unary()) : value;
        }

        private double Primary()
        {
            SkipSpace();
            if (_pos >= text.Length)
                throw Error("the expression ends too early.");

            if (Accept('('))
            {
                var value = Expression();
                Expect(')');
                return value;
            }

            var c = text[_pos];
            if (char.IsAsciiDigit(c) || c == '.')
                return Number();
            if (char.IsAsciiLetter(c))
                return NameOrCall();
            throw Error($"unexpected '{c}' at position {_pos + 1}.");
        }

        private double Number()
        {
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] == '.'))
                _pos++;
            if (_pos < text.Length && text[_pos] is 'e' or 'E')
            {
                var save = _pos;
                _pos++;
                if (_pos < text.Length && text[_pos] is '+' or '-')
                    _pos++;
                if (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
                {
                    while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
                        _pos++;
                }
                else
                {
                    _pos = save;
                }
            }

            var token = text[start.._pos];
            if (!double.TryParse(token, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value))
                throw Error($"'{token}' is not a number.");
            return value;
        }

        private double NameOrCall()
        {
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '_'))
                _pos++;
            var name = text[start.._pos].ToLowerInvariant();
            SkipSpace();
            if (!Accept('('))
            {
                return name switch
                {
                    "pi" => Math.PI,
                    "e" => Math.E,
                    "tau" => Math.Tau,
                    _ => throw Error($"unknown name '{name}'."),
                };
            }

            var args = new List<double>();
            SkipSpace();
            if (!Accept(')'))
            {
                do
                {
                    args.Add(Expression());
                }
                while (Accept(','));
                Expect(')');
            }

            return Call(name, args);
        }

        private static double Call(string name, List<double> a)
        {
            double One() => a.Count == 1 ? a[0] : throw Error($"{name} takes one argument.");
            return name switch
            {
                "sqrt" => One() < 0 ? throw Error("square root of a negative number.") : Math.Sqrt(a[0]),
                "cbrt" => Math.Cbrt(One()),
                "abs" => Math.Abs(One()),
                "floor" => Math.Floor(One()),
                "ceil" or "ceiling" => Math.Ceiling(One()),
                "trunc" => Math.Truncate(One()),
                "exp" => Math.Exp(One()),
                "ln" => Log(One()),
                "log" when a.Count == 2 => Log(a[0]) / Log(a[1]),
                "log" => Log(One()),
                "log10" => Log(One()) / Math.Log(10),
                "log2" => Log(One()) / Math.Log(2),
                "sin" => Math.Sin(One()),
                "cos" => Math.Cos(One()),
                "tan" => Math.Tan(One()),
                "asin" => Math.Asin(One()),
                "acos" => Math.Acos(One()),
                "atan" => Math.Atan(One()),
                "pow" when a.Count == 2 => Math.Pow(a[0], a[1]),
                "round" when a.Count == 1 => Math.Round(a[0], MidpointRounding.AwayFromZero),
                "round" when a.Count == 2 && a[1] is >= 0 and <= 15 && a[1] == Math.Floor(a[1]) =>
                    Math.Round(a[0], (int)a[1], MidpointRounding.AwayFromZero),
                "round" => throw Error("round takes a number and optionally 0 to 15 digits."),
                "min" when a.Count > 0 => a.Min(),
                "max" when a.Count > 0 => a.Max(),
                "min" or "max" => throw Error($"{name} needs at least one argument."),
                "pow" => throw Error("pow takes two arguments."),
                _ => throw Error($"unknown function '{name}'."),
            };
        }

        private static double Log(double x) => x > 0 ? Math.Log(x) : throw Error("logarithm of a number that is not positive.");

        private void Enter()
        {
            if (++_depth > MaxDepth)
                throw Error($"the expression is nested more than {MaxDepth} levels deep.");
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
                _pos++;
        }

        private bool Peek(string token) => string.CompareOrdinal(text, _pos, token, 0, token.Length) == 0;

        private bool Accept(char c)
        {
            SkipSpace();
            if (_pos < text.Length && text[_pos] == c)
            {
                _pos++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            if (!Accept(c))
                throw Error(_pos < text.Length ? $"expected '{c}' at position {_pos + 1}." : $"missing '{c}'.");
        }

        private static FormatException Error(string message) => new(message);
    }
}
