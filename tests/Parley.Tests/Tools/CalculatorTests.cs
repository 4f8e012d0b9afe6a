using Parley.Tools;
using Xunit;

namespace Parley.Tests.Tools;

public sealed class CalculatorTests
{
    [Theory]
    [InlineData("2+2", "4")]
    [InlineData("2 + 3 * 4", "14")]
    [InlineData("(2 + 3) * 4", "20")]
    [InlineData("10 / 4", "2.5")]
    [InlineData("10 % 4", "2")]
    [InlineData("2^10", "1024")]
    [InlineData("2**10", "1024")]
    [InlineData("2^3^2", "512")]
    [InlineData("-2^2", "-4")]
    [InlineData("(-2)^2", "4")]
    [InlineData("2^-1", "0.5")]
    [InlineData("--3", "3")]
    [InlineData("-(4 - 10)", "6")]
    [InlineData("0.1 + 0.2", "0.3")]
    [InlineData("1.5e3 + 2E-1", "1500.2")]
    [InlineData(".5 * 4", "2")]
    [InlineData("sqrt(16) + abs(-3)", "7")]
    [InlineData("round(10/3, 2)", "3.33")]
    [InlineData("round(2.5)", "3")]
    [InlineData("min(4, 2, 8) + max(1, 9)", "11")]
    [InlineData("floor(2.7) + ceil(2.1)", "5")]
    [InlineData("log(8, 2)", "3")]
    [InlineData("log10(1000)", "3")]
    [InlineData("2 * pi", "6.28318530717959")]
    [InlineData("sin(0) + cos(0)", "1")]
    [InlineData("  17.5 * 3 / 4  ", "13.125")]
    [InlineData("12 × 3 ÷ 4", "9")]
    public void Evaluates(string expression, string expected) =>
        Assert.Equal(expected, ToolText.Calculate(expression));

    [Theory]
    [InlineData("", "Error: the expression is empty.")]
    [InlineData("1 / 0", "Error: division by zero.")]
    [InlineData("5 % 0", "Error: modulo by zero.")]
    [InlineData("2 +", "Error: the expression ends too early.")]
    [InlineData("(1 + 2", "Error: missing ')'.")]
    [InlineData("1 + 2)", "Error: unexpected ')' at position 6.")]
    [InlineData("2 $ 3", "Error: unexpected '$' at position 3.")]
    [InlineData("foo(1)", "Error: unknown function 'foo'.")]
    [InlineData("x + 1", "Error: unknown name 'x'.")]
    [InlineData("sqrt(-1)", "Error: square root of a negative number.")]
    [InlineData("sqrt(1, 2)", "Error: sqrt takes one argument.")]
    [InlineData("ln(0)", "Error: logarithm of a number that is not positive.")]
    [InlineData("10^400", "Error: the result is too large.")]
    [InlineData("1.2.3", "Error: '1.2.3' is not a number.")]
    [InlineData("System.IO.File.Delete(\"x\")", "Error: unknown name 'system'.")]
    public void ExplainsBadInput(string expression, string expected) =>
        Assert.Equal(expected, ToolText.Calculate(expression));

    [Fact]
    public void RefusesDeepNestingAndHugeInputWithoutOverflowingTheStack()
    {
        Assert.StartsWith("Error: the expression is nested more than", ToolText.Calculate(new string('(', 400) + "1" + new string(')', 400)), StringComparison.Ordinal);
        Assert.StartsWith("Error: the expression is nested more than", ToolText.Calculate(new string('-', 500) + "1"), StringComparison.Ordinal);
        Assert.Equal("Error: the expression is longer than 1000 characters.", ToolText.Calculate(string.Join("+", Enumerable.Repeat("1", 600))));
    }
}
