using Parley.Library;

// The whole app: one handler. Parley serves the web app and every API around it.
var app = ParleyApp.Create(args);

app.Configure(options =>
{
    options.Name = "Hello handler";
    options.PreloadedMessages.Add(new() { Role = "assistant", Content = "Hi! I repeat what you say, louder." });
    options.FunctionHeaders["count_words"] = "Counting **words**…";
});

app.OnMessage(async (chat, cancellationToken) =>
{
    var text = chat.Messages[^1].Text;
    var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    await chat.ToolCallAsync("count_words", new Dictionary<string, object?> { ["text"] = text }, words.Length, cancellationToken);

    var id = chat.NewMessageId();
    foreach (var word in words)
    {
        await chat.UpdateAsync(word.ToUpperInvariant() + " ", id, cancellationToken);
        await Task.Delay(20, cancellationToken);
    }
});

app.Run();
