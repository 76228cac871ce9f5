//! `GET /account/`

use crate::api::JsonObject;

use super::{ok, Mock, MockResponse, SANDBOX_EMAIL};

impl Mock {
    /// `GET /account/`: the plan and this month's message count.
    pub(crate) fn account(&mut self, now: i64) -> MockResponse {
        let used = self.messages_used(now);
        let account = JsonObject::new()
            .string("email", SANDBOX_EMAIL)
            .string("plan", self.plan.as_str())
            .integer("messages_used", used)
            .integer("messages_limit", self.limits.messages_per_month)
            .finish();
        ok(JsonObject::success().raw("account", &account).finish())
    }
}
