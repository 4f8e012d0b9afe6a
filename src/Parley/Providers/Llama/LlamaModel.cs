using System.Collections.Concurrent;
using LLama;
using LLama.Common;
using Microsoft.Extensions.Logging;
using Parley.Errors;

namespace Parley.Providers.Llama;

/// <summary>
/// One GGUF file loaded once for a <c>llama</c> provider, and the sequences that share it: up to
/// <see cref="LlamaOptions.Parallel"/> replies run at once, each in its own context (its KV cache; the weights are never
/// copied), up to <see cref="LlamaOptions.MaxQueue"/> more wait, and the rest get 503 with Retry-After.
/// </summary>
public sealed partial class LlamaModel : IDisposable
{
    private readonly LlamaOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _free;
    private readonly ConcurrentBag<LLamaContext> _idle = [];
    private readonly Lock _gate = new();
    private Task<LoadedModel>? _loading;
    private int _admitted;
    private int _contexts;
    private long _contextBytes;

    public LlamaModel(string provider, string path, LlamaOptions options, ILogger logger)
    {
        Provider = provider;
        Path = path;
        _options = options;
        _logger = logger;
        _free = new SemaphoreSlim(Math.Max(1, options.Parallel));
    }

    public string Provider { get; }

    public string Path { get; }

    /// <summary>Why the model cannot be used (missing file, not a model, ...), once loading failed.</summary>
    public string? Failure { get; private set; }

    public bool IsLoaded => _loading is { IsCompletedSuccessfully: true };

    /// <summary>Bytes of the weights in memory (0 until loaded).</summary>
    public long WeightBytes => IsLoaded ? (long)_loading!.Result.Weights.SizeInBytes : 0;

    /// <summary>Bytes held by the sequences' contexts (KV caches and buffers).</summary>
    public long ContextBytes => Interlocked.Read(ref _contextBytes);

    /// <summary>Replies generating or waiting now.</summary>
    public int InFlight => Volatile.Read(ref _admitted);

    /// <summary>The template the prompts use, once loaded.</summary>
    public string? PromptFormat => IsLoaded ? _loading!.Result.Format.Name : null;

    public int ContextSize => IsLoaded ? (int)_loading!.Result.ContextParams.ContextSize! : _options.ContextSize;

    /// <summary>Loads the weights (once; later calls share the first load) or throws the load's failure as a 503.</summary>
    internal async Task<LoadedModel> LoadAsync(CancellationToken cancellationToken)
    {
        Task<LoadedModel> loading;
        lock (_gate)
            loading = _loading ??= Task.Run(LoadCore, CancellationToken.None);
        try
        {
            return await loading.WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Unavailable();
        }
    }

    /// <summary>Loads the weights now; a failure is logged and kept in <see cref="Failure"/>, never thrown.</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LoadAsync(cancellationToken);
        }
        catch (ProviderException)
        {
        }
    }

    /// <summary>Waits for a free sequence; the lease returns its context when disposed.</summary>
    internal async Task<Lease> AcquireAsync(CancellationToken cancellationToken)
    {
        var model = await LoadAsync(cancellationToken);
        if (Interlocked.Increment(ref _admitted) > Math.Max(1, _options.Parallel) + Math.Max(0, _options.MaxQueue))
        {
            Interlocked.Decrement(ref _admitted);
            throw new ProviderException(ErrorCodes.ProviderRateLimited, 503,
                $"The local model {Provider} is busy with other replies. Try again in a moment.", retryAfter: TimeSpan.FromSeconds(2));
        }
        try
        {
            await _free.WaitAsync(cancellationToken);
        }
        catch
        {
            Interlocked.Decrement(ref _admitted);
            throw;
        }
        if (!_idle.TryTake(out var context))
        {
            try
            {
                context = model.Weights.CreateContext(model.ContextParams, _logger);
            }
            catch
            {
                Release(null);
                throw;
            }
            Interlocked.Increment(ref _contexts);
            Interlocked.Add(ref _contextBytes, (long)context.NativeHandle.GetStateSize());
        }
        return new Lease(this, model, context);
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var context))
            context.Dispose();
        if (IsLoaded)
            _loading!.Result.Weights.Dispose();
        _free.Dispose();
    }

    private void Release(LLamaContext? context)
    {
        if (context is not null)
            _idle.Add(context);
        _free.Release();
        Interlocked.Decrement(ref _admitted);
    }

    private async Task<LoadedModel> LoadCore()
    {
        try
        {
            LlamaFiles.EnsureModelFile(Path);
            var parameters = new ModelParams(Path)
            {
                ContextSize = _options.ContextSize > 0 ? (uint)_options.ContextSize : null,
                BatchSize = (uint)Math.Max(32, _options.BatchSize),
                UBatchSize = (uint)Math.Max(32, _options.BatchSize),
                Threads = _options.Threads > 0 ? _options.Threads : null,
                GpuLayerCount = _options.GpuLayers,
            };
            LogLoading(_logger, Provider, Path);
            var progress = new LoadProgress(percent => LogProgress(_logger, Provider, percent));
            var weights = await LLamaWeights.LoadFromFileAsync(parameters, CancellationToken.None, progress);
            if (parameters.ContextSize is null)
                parameters.ContextSize = (uint)weights.ContextSize;
            var format = LlamaPromptFormat.Choose(weights, _options.ChatTemplate);
            LogLoaded(_logger, Provider, (long)weights.ParameterCount, (long)weights.SizeInBytes, format.Name, (int)parameters.ContextSize);
            return new LoadedModel(weights, parameters, format);
        }
        catch (Exception ex)
        {
            Failure = LlamaFiles.Describe(Provider, Path, ex);
            LogLoadFailed(_logger, Failure);
            throw;
        }
    }

    private ProviderException Unavailable() =>
        new(ErrorCodes.ProviderUnavailable, 503, Failure ?? $"The local model {Provider} could not be loaded; see the server log.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Loading local model {Provider} from {Path}")]
    private static partial void LogLoading(ILogger logger, string provider, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loading local model {Provider}: {Percent}%")]
    private static partial void LogProgress(ILogger logger, string provider, int percent);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local model {Provider} loaded: {Parameters} parameters, {Bytes} bytes, prompt format {Format}, context {ContextSize} tokens")]
    private static partial void LogLoaded(ILogger logger, string provider, long parameters, long bytes, string format, int contextSize);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Failure}")]
    private static partial void LogLoadFailed(ILogger logger, string failure);

    /// <summary>The weights, the parameters every context is made with, and the prompt format.</summary>
    internal sealed record LoadedModel(LLamaWeights Weights, ModelParams ContextParams, LlamaPromptFormat Format);

    /// <summary>Reports loading at each quarter, in order (llama.cpp calls back on its loading thread).</summary>
    private sealed class LoadProgress(Action<int> report) : IProgress<float>
    {
        private int _reported;

        public void Report(float value)
        {
            var quarter = Math.Clamp((int)(value * 4), 0, 4);
            var last = Volatile.Read(ref _reported);
            if (quarter > last && Interlocked.CompareExchange(ref _reported, quarter, last) == last)
                report(quarter * 25);
        }
    }

    /// <summary>One sequence's context, lent to one reply.</summary>
    internal sealed class Lease(LlamaModel owner, LoadedModel model, LLamaContext context) : IDisposable
    {
        private int _disposed;

        public LoadedModel Model { get; } = model;

        public LLamaContext Context { get; } = context;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                owner.Release(Context);
        }
    }
}
