using System.ComponentModel.DataAnnotations;

namespace Parley.Portability;

/// <summary>Section <c>Parley:Import</c>: limits for <c>POST /api/import</c> (Parley JSON or ChatGPT's conversations.json).</summary>
public sealed class ImportOptions
{
    public const string Section = "Parley:Import";

    /// <summary>Largest import file in bytes (JSON body or uploaded file); larger ones get 413 <c>import_too_large</c>.</summary>
    [Range(1024, 4L * 1024 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 100 * 1024 * 1024;

    /// <summary>Most conversations one import may hold.</summary>
    [Range(1, 1_000_000)]
    public int MaxConversations { get; set; } = 10_000;

    /// <summary>Most messages one imported conversation may hold.</summary>
    [Range(1, 10_000_000)]
    public int MaxMessagesPerConversation { get; set; } = 100_000;
}
