using Parley.Identity;
using Parley.Storage;
using Parley.Usage;

namespace Parley.Retention;

/// <summary>What "delete all my data" removed. The account itself (name, password, admin flag) and the own retention setting stay.</summary>
public sealed record DeletedData(int Conversations, int Messages, int Images, int UsageRecords, int ApiKeys);

/// <summary>
/// "Delete all my data": the owner's conversations (messages, images, files), folders, share links, stored
/// <c>/v1/responses</c> responses, usage rows, API keys and web sessions.
/// </summary>
public sealed class DataDeletion(
    IConversationStore conversations, IUsageStore usage, UsageRecorder usageRecorder, IIdentityStore identity, Sharing.IShareStore shares,
    VerifiedKeyCache verifiedKeys, Folders.IFolderStore folders, Responses.IResponseStore responses)
{
    public async Task<DeletedData> DeleteAllAsync(string owner, CancellationToken cancellationToken = default)
    {
        // Usage of calls that just finished may still be queued: write it first so it is deleted too.
        await usageRecorder.FlushAsync(TimeSpan.FromSeconds(5), cancellationToken);
        var deleted = await conversations.DeleteConversationsOfAsync(owner, null, cancellationToken);
        var usageRows = await usage.DeleteOwnerAsync(owner, cancellationToken);
        var keys = await identity.DeleteKeysOfAsync(owner, cancellationToken);
        verifiedKeys.Clear();
        await identity.DeleteSessionsOfAsync(owner, cancellationToken);
        await shares.DeleteOfOwnerAsync(owner, cancellationToken);
        await folders.DeleteOfOwnerAsync(owner, cancellationToken);
        await responses.DeleteOfOwnerAsync(owner, null, cancellationToken);
        return new DeletedData(deleted.Conversations, deleted.Messages, deleted.Images, usageRows, keys);
    }
}
