using Parley.Errors;

namespace Parley.Portability;

/// <summary>An import refused before anything was written; <see cref="Path"/> names the offending field (<c>$.conversations[2].messages[0].role</c>).</summary>
public sealed class ImportException(string code, int status, string message, string? path = null, IReadOnlyList<string>? ids = null)
    : ParleyException(code, status, message)
{
    public string? Path { get; } = path;

    /// <summary>The ids an import conflicts with (409) or repeats (400).</summary>
    public IReadOnlyList<string>? Ids { get; } = ids;

    public static ImportException Invalid(string path, string message) => new(ImportCodes.InvalidField, 400, $"{message} (at {path})", path);
}

/// <summary>The <c>code</c>s import problems carry.</summary>
public static class ImportCodes
{
    public const string UnknownFormat = "import_unknown_format";
    public const string UnsupportedVersion = "import_unsupported_version";
    public const string InvalidJson = "import_invalid_json";
    public const string InvalidField = "import_invalid_field";
    public const string DuplicateId = "import_duplicate_id";
    public const string Conflict = "import_conflict";
    public const string TooLarge = "import_too_large";
    public const string TooMany = "import_too_many";
    public const string NoFile = "import_no_file";
}
