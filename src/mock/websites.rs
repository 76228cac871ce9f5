//! `GET /websites/`

use crate::api::JsonObject;

use super::{json_array, ok, Mock, MockResponse};

impl Mock {
    /// `GET /websites/`: the account's websites, as configured.
    pub(crate) fn list_websites(&self) -> MockResponse {
        let items = self.websites.iter().map(|w| {
            JsonObject::new()
                .integer("id", w.id)
                .string("name", &w.name)
                .string("domain", &w.domain)
                .boolean("is_primary", w.is_primary)
                .finish()
        });
        ok(JsonObject::success().raw("websites", &json_array(items)).finish())
    }
}
