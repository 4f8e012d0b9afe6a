namespace Parley.Errors;

/// <summary>Stable machine-readable error codes shared by every surface (see docs/api.md).</summary>
public static class ErrorCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidJson = "invalid_json";
    public const string InvalidSignature = "invalid_signature";
    public const string EmptyMessage = "empty_message";
    public const string BodyTooLarge = "body_too_large";
    public const string InvalidImage = "invalid_image";
    public const string ModelNotFound = "model_not_found";
    public const string ConversationNotFound = "conversation_not_found";
    public const string MessageNotFound = "message_not_found";
    public const string ProviderAuth = "provider_auth";
    public const string ProviderRateLimited = "provider_rate_limited";
    public const string ProviderUnavailable = "provider_unavailable";
    public const string ProviderTimeout = "provider_timeout";
    public const string ContextTooLong = "context_too_long";
    public const string ContentFiltered = "content_filtered";
    public const string ReplyInProgress = "reply_in_progress";
    public const string RateLimited = "rate_limited";
    public const string BudgetExhausted = "budget_exhausted";
    public const string Cancelled = "cancelled";
    public const string ServerShuttingDown = "server_shutting_down";
    public const string Unauthenticated = "unauthenticated";
    public const string InvalidApiKey = "invalid_api_key";
    public const string ApiKeyRevoked = "api_key_revoked";
    public const string ApiKeyExpired = "api_key_expired";
    public const string InvalidCredentials = "invalid_credentials";
    public const string TooManyAttempts = "too_many_attempts";
    public const string WeakPassword = "weak_password";
    public const string Forbidden = "forbidden";
    public const string ModelNotAllowed = "model_not_allowed";
    public const string UserExists = "user_exists";
    public const string UserNotFound = "user_not_found";
    public const string KeyNotFound = "key_not_found";
    public const string StoreUnavailable = "store_unavailable";
    public const string ConfirmationRequired = "confirmation_required";
    public const string Internal = "internal";
    public const string UnsupportedDocument = "unsupported_document";
    public const string DocumentTypeMismatch = "document_type_mismatch";
    public const string DocumentTooLarge = "document_too_large";
    public const string UnreadableDocument = "unreadable_document";
    public const string PdfExtractionUnavailable = "pdf_extraction_unavailable";
    public const string AttachmentNotFound = "attachment_not_found";
    public const string HostNotAllowed = "host_not_allowed";
    public const string CrossOrigin = "cross_origin";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string ProxiedSingleUser = "proxied_single_user";
    public const string TooManyUploads = "too_many_uploads";
    public const string ShareNotFound = "share_not_found";
    public const string FolderNotFound = "folder_not_found";
    public const string ReplyEventsExpired = "reply_events_expired";
}
