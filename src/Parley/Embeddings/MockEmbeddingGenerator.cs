using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace Parley.Embeddings;

/// <summary>
/// The offline embedding model <c>mock/embed</c>: a deterministic unit vector of <see cref="Dimensions"/> floats per text
/// (the same text always gives the same vector, on every machine), from SHA-256 of the text and a counter. It carries
/// no meaning: it exists so embedding pipelines can be built and tested without a provider.
/// </summary>
internal sealed class MockEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int Dimensions = 256;

    private static readonly EmbeddingGeneratorMetadata Metadata = new("mock", null, "embed", Dimensions);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var dimensions = options?.Dimensions ?? Dimensions;
        var result = new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Vector(v, dimensions)) { ModelId = "embed" }));
        return Task.FromResult(result);
    }

    public static float[] Vector(string text, int dimensions)
    {
        var vector = new float[dimensions];
        Span<byte> seed = stackalloc byte[36];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), seed[..32]);
        Span<byte> block = stackalloc byte[32];
        for (var i = 0; i < dimensions; i += 8)
        {
            BitConverter.TryWriteBytes(seed[32..], i);
            SHA256.HashData(seed, block);
            for (var j = 0; j < 8 && i + j < dimensions; j++)
                vector[i + j] = BitConverter.ToUInt32(block[(j * 4)..]) / (float)uint.MaxValue * 2 - 1;
        }
        var norm = MathF.Sqrt(vector.Sum(x => x * x));
        for (var i = 0; i < dimensions; i++)
            vector[i] /= norm;
        return vector;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
