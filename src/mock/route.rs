//! The endpoints, by path, and the methods each takes.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route<'a> {
    Chat,
    Websites,
    Conversations,
    Sessions,
    Leads,
    Account,
    Knowledge,
    KnowledgeText,
    KnowledgeUrl,
    KnowledgeSpreadsheet,
    KnowledgeItem(&'a str),
    Webhooks,
    WebhookItem(&'a str),
    Tickets,
}

impl Route<'_> {
    pub(crate) fn allowed(self) -> &'static [&'static str] {
        match self {
            Route::Chat | Route::KnowledgeText | Route::KnowledgeUrl | Route::KnowledgeSpreadsheet => &["POST"],
            Route::KnowledgeItem(_) | Route::WebhookItem(_) => &["DELETE"],
            Route::Webhooks => &["GET", "POST"],
            _ => &["GET"],
        }
    }
}

pub(crate) fn route(path: &str) -> Option<Route<'_>> {
    let inner = path.strip_prefix('/')?.strip_suffix('/')?;
    Some(match inner {
        "chat" => Route::Chat,
        "websites" => Route::Websites,
        "conversations" => Route::Conversations,
        "sessions" => Route::Sessions,
        "leads" => Route::Leads,
        "account" => Route::Account,
        "knowledge" => Route::Knowledge,
        "knowledge/text" => Route::KnowledgeText,
        "knowledge/url" => Route::KnowledgeUrl,
        "knowledge/spreadsheet" => Route::KnowledgeSpreadsheet,
        "webhooks" => Route::Webhooks,
        "tickets" => Route::Tickets,
        _ => {
            if let Some(id) = inner
                .strip_prefix("knowledge/")
                .filter(|id| !id.is_empty() && !id.contains('/'))
            {
                Route::KnowledgeItem(id)
            } else if let Some(id) = inner
                .strip_prefix("webhooks/")
                .filter(|id| !id.is_empty() && !id.contains('/'))
            {
                Route::WebhookItem(id)
            } else {
                return None;
            }
        }
    })
}
