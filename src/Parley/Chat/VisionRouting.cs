using Microsoft.Extensions.AI;
using Parley.Errors;
using Parley.Providers;

namespace Parley.Chat;

/// <summary>
/// Seed 001's <c>VISION_MODEL</c>: a turn that carries images goes to the configured vision model when the chosen
/// model cannot see; without one it is refused with <c>invalid_image</c>. <see cref="TurnFactory"/> applies it for
/// every surface, so the model that answers (and is reported) is the routed one.
/// </summary>
public static class VisionRouting
{
    public static ModelEntry Route(ModelEntry model, bool hasImages, ModelCatalog catalog, string? visionModel)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(catalog);
        if (!hasImages || model.Vision)
            return model;
        if (string.IsNullOrWhiteSpace(visionModel))
            throw new ParleyException(ErrorCodes.InvalidImage, 400,
                $"The model {model.Id} cannot read images. Pick a vision model or remove the images (or configure VISION_MODEL).");

        try
        {
            return catalog.Resolve(visionModel);
        }
        catch (ParleyException ex) when (ex.Code == ErrorCodes.ModelNotFound)
        {
            throw new ParleyException(ErrorCodes.ModelNotFound, 500,
                $"The model {model.Id} cannot read images and the vision model '{visionModel}' (Parley:VisionModel, VISION_MODEL) is not configured. Fix the setting or pick a vision model.",
                ex);
        }
    }

    /// <summary>Whether any message holds an image (stored bytes or an http(s) URL).</summary>
    public static bool HasImages(IEnumerable<ChatMessage> messages) =>
        messages.Any(m => m.Contents.Any(c => c is DataContent or UriContent));
}
