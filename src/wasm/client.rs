//! `Asyntai` and its resource objects, for JavaScript: classes over the Rust [`Client`] and the fetch
//! transport. Each method reads its arguments (nothing is sent when they are bad: the promise
//! rejects with a `ValidationError`), then hands the call to the client; its promise settles with
//! the success body as the engine's `JSON.parse` made it, or rejects with an error class of
//! `lib/errors.js`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

use super::errors;
use super::options::{self, CallOptions};
use crate::api::{
    self, AddTextRequest, AddUrlRequest, ApiRequest, ChatRequest, CreateWebhookRequest, FromParams,
    ListConversationsRequest, ListKnowledgeRequest, ListLeadsRequest, ListSessionsRequest, ListTicketsRequest,
    Operation, PagedRequest, Pager, Request, UploadSpreadsheetRequest,
};
use crate::client::{CallSettings, Client, FilePart};
use crate::error::Error;
use crate::transport::fetch::{FetchTransport, JsFile, JsJson};
use crate::transport::promise::{drive, Await};

/// What every resource object of one client shares.
struct Shared {
    client: Client<FetchTransport>,
}

impl Shared {
    /// The promise of an error found before anything was sent.
    fn reject(&self, e: Error) -> Promise {
        let r = self.client.redactor();
        Promise::reject(&errors::to_js(r.scrub(e), None, r))
    }

    /// Validates and builds `op` with the call's options.
    fn prepare(&self, op: &dyn Request, o: &CallOptions) -> Result<(ApiRequest, CallSettings<JsValue>), Error> {
        let body = o.body.as_ref().map(|(keys, text)| (keys.as_slice(), text.as_str()));
        let req = self.client.prepare(op, &o.query, body)?;
        Ok((req, self.client.settings(o.timeout_ms, o.max_retries, o.headers.clone(), o.signal.clone())))
    }

    /// Sends a prepared request: its body, or the JavaScript error.
    async fn run(self: Rc<Self>, req: ApiRequest, settings: CallSettings<JsValue>, upload: Option<UploadSpreadsheetRequest<JsFile>>) -> Result<JsValue, JsValue> {
        let part = upload.as_ref().map(|u| FilePart { file: &u.file, filename: u.part_name(), content_type: u.part_type() });
        let r = self.client.redactor();
        self.client.execute::<JsJson>(&req, part, &settings).await.map_err(|e| errors::to_js(e.error, e.cause, r))
    }

    /// Sends a prepared request: the promise of its body.
    fn send(self: &Rc<Self>, req: ApiRequest, settings: CallSettings<JsValue>, upload: Option<UploadSpreadsheetRequest<JsFile>>) -> Promise {
        drive(self.clone().run(req, settings, upload))
    }

    /// An operation read from a JavaScript options object.
    fn call<O: Operation + FromParams + 'static>(self: &Rc<Self>, params: &JsValue, opts: &JsValue) -> Promise {
        self.call_read(params, opts, |p| O::from_params(p).map(|o| Box::new(o) as Box<dyn Request>))
    }

    /// The shared part of [`Shared::call`]: one copy in the wasm rather than one per operation.
    #[inline(never)]
    fn call_read(self: &Rc<Self>, params: &JsValue, opts: &JsValue, read: fn(api::Params) -> Result<Box<dyn Request>, Error>) -> Promise {
        self.call_op(options::params(params, &[]).and_then(read), opts)
    }

    /// An operation, validated and sent.
    fn call_op(self: &Rc<Self>, op: Result<Box<dyn Request>, Error>, opts: &JsValue) -> Promise {
        match op.and_then(|op| self.prepare(&*op, &options::call_options(opts)?)) {
            Ok((req, settings)) => self.send(req, settings, None),
            Err(e) => self.reject(e),
        }
    }

    /// A delete by id (a string, or a non-negative integer).
    fn delete(self: &Rc<Self>, id: &JsValue, make: fn(String) -> Box<dyn Request>, opts: &JsValue) -> Promise {
        let op = api::Params::new(api::Loose::Object(vec![("id".into(), options::loose(id, 0))]))
            .and_then(|mut p| p.required_id("id"))
            .map(make);
        self.call_op(op, opts)
    }

    /// A paged list: the promise of the first page, also async-iterable over every item of every page.
    fn paged<O: FromParams + PagedRequest + 'static>(self: &Rc<Self>, params: &JsValue, opts: &JsValue) -> Promise {
        self.paged_read(params, opts, |p| O::from_params(p).map(|o| Box::new(o) as Box<dyn PagedRequest>))
    }

    /// The shared part of [`Shared::paged`].
    #[inline(never)]
    fn paged_read(self: &Rc<Self>, params: &JsValue, opts: &JsValue, read: fn(api::Params) -> Result<Box<dyn PagedRequest>, Error>) -> Promise {
        self.paged_op(options::params(params, &[]).and_then(read), opts)
    }

    fn paged_op(self: &Rc<Self>, op: Result<Box<dyn PagedRequest>, Error>, opts: &JsValue) -> Promise {
        let prepared = op.and_then(|op| {
            let o = options::call_options(opts)?;
            let (req, settings) = self.prepare(op.as_request(), &o)?;
            Ok((op, req, settings, o))
        });
        let (op, req, settings, again) = match prepared {
            Ok(p) => p,
            Err(e) => return self.reject(e),
        };
        let state = Rc::new(RefCell::new(PagerState {
            shared: self.clone(),
            first: None,
            first_result: None,
            items: Vec::new(),
            pager: Pager::new(op.page_size(), op.before()),
            items_key: op.items_key(),
            cursor_key: op.cursor_key(),
            op,
            options: again,
            before: None,
            done: false,
        }));
        // The first page's future hands its result to the iterator's state when it settles, so the
        // state holds the promise only while it is pending: a state that held it for good would hold
        // the iterator too (the promise carries it as [Symbol.asyncIterator]), through the values the
        // wasm holds (wasm-bindgen's table of them), where no garbage collector sees the cycle.
        let sending = self.clone().run(req, settings, None);
        let handoff = state.clone();
        let first = drive(async move {
            let result = sending.await;
            let mut s = handoff.borrow_mut();
            s.first = None;
            s.first_result = Some(result.clone());
            result
        });
        if state.borrow().first_result.is_none() {
            state.borrow_mut().first = Some(first.clone());
        }
        let iterator: JsValue = PageIterator { state }.into();
        let _ = Reflect::set(&first, &js_sys::Symbol::async_iterator(), &super::returns(&iterator));
        first
    }
}

struct PagerState {
    shared: Rc<Shared>,
    /// The first page: the promise the list call returned (iterating does not ask for it again),
    /// while it is pending; then how it settled, until the iteration takes it.
    first: Option<Promise>,
    first_result: Option<Result<JsValue, JsValue>>,
    /// The page's items not yet handed out, last first (`pop` hands out the next).
    items: Vec<JsValue>,
    /// The list's request and options, for the next pages.
    op: Box<dyn PagedRequest>,
    options: CallOptions,
    pager: Pager,
    /// The next page's `before`, when there is a next page.
    before: Option<String>,
    done: bool,
    items_key: &'static str,
    cursor_key: &'static str,
}

/// The async iterator of a paged list (`for await (const lead of client.leads.list())`): every item
/// of every page, newest first; each next page is asked with `before` = the oldest cursor of the last.
#[wasm_bindgen]
pub struct PageIterator {
    state: Rc<RefCell<PagerState>>,
}

impl core::fmt::Debug for PageIterator {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("PageIterator")
    }
}

/// What the iterator does next when it has no item left.
enum Next {
    Settled(Result<JsValue, JsValue>),
    Wait(Promise),
}

fn iter_result(value: &JsValue, done: bool) -> JsValue {
    let o = Object::new();
    let _ = Reflect::set(&o, &"value".into(), value);
    let _ = Reflect::set(&o, &"done".into(), &JsValue::from_bool(done));
    o.into()
}

#[wasm_bindgen]
impl PageIterator {
    /// The next item: `{value, done}`.
    pub fn next(&self) -> Promise {
        let state = self.state.clone();
        drive(async move {
            loop {
                let next = {
                    let mut s = state.borrow_mut();
                    if let Some(item) = s.items.pop() {
                        return Ok(iter_result(&item, false));
                    }
                    if s.done {
                        return Ok(iter_result(&JsValue::UNDEFINED, true));
                    }
                    if let Some(result) = s.first_result.take() {
                        Next::Settled(result)
                    } else if let Some(first) = s.first.clone() {
                        Next::Wait(first)
                    } else if let Some(before) = s.before.take() {
                        let shared = s.shared.clone();
                        s.op.set_before(before);
                        match shared.prepare(s.op.as_request(), &s.options) {
                            Ok((req, settings)) => Next::Wait(shared.send(req, settings, None)),
                            Err(e) => Next::Settled(Err(errors::to_js(e, None, shared.client.redactor()))),
                        }
                    } else {
                        s.done = true;
                        return Ok(iter_result(&JsValue::UNDEFINED, true));
                    }
                };
                let settled = match next {
                    Next::Settled(result) => result,
                    Next::Wait(page) => {
                        let result = Await::new(page).await;
                        // The first page's own future has left its result too: it is this one.
                        state.borrow_mut().first_result = None;
                        result
                    }
                };
                let body = match settled {
                    Ok(body) => body,
                    Err(e) => {
                        state.borrow_mut().done = true;
                        return Err(e);
                    }
                };
                let mut s = state.borrow_mut();
                let list = Reflect::get(&body, &s.items_key.into()).unwrap_or(JsValue::UNDEFINED);
                // read through a copy (the page's array is the caller's now); not an array: no items
                let items = if Array::is_array(&list) { Array::from(&list) } else { Array::new() };
                let key = JsValue::from_str(s.cursor_key);
                let count = items.length() as usize;
                let mut kept = Vec::with_capacity(count);
                let mut cursors = Vec::with_capacity(count);
                for item in items.iter() {
                    let cursor = Reflect::get(&item, &key).ok().and_then(|c| c.as_string());
                    if s.pager.keep(cursor.as_deref()) {
                        kept.push(item);
                        cursors.push(cursor);
                    }
                }
                s.before = s.pager.next(count, cursors.iter().map(Option::as_deref));
                s.done = s.before.is_none();
                kept.reverse();
                s.items = kept;
            }
        })
    }

    /// Ends the iteration early (`break` in a `for await`).
    #[wasm_bindgen(js_name = return)]
    pub fn finish(&self) -> Promise {
        let mut s = self.state.borrow_mut();
        s.items.clear();
        s.first = None;
        s.first_result = None;
        s.done = true;
        Promise::resolve(&iter_result(&JsValue::UNDEFINED, true))
    }
}

/// Where the key comes from when the `apiKey` option is absent: `ASYNTAI_API_KEY` in `process.env`
/// or `Deno.env`, where they exist (and may be read).
fn env_key() -> Option<String> {
    let global = super::global();
    let get = |o: &JsValue, k: &str| Reflect::get(o, &k.into()).ok().filter(|v| !v.is_null_or_undefined());
    if let Some(key) = get(&global, "process").and_then(|p| get(&p, "env")).and_then(|e| get(&e, "ASYNTAI_API_KEY")) {
        return key.as_string().filter(|k| !k.is_empty());
    }
    let env = get(&global, "Deno").and_then(|d| get(&d, "env"))?;
    let read = get(&env, "get").and_then(|f| f.dyn_into::<js_sys::Function>().ok())?;
    read.call1(&env, &"ASYNTAI_API_KEY".into()).ok()?.as_string()
}

use wasm_bindgen::JsCast;

/// In a browser page the key would be visible to every visitor.
fn in_browser() -> bool {
    let global = super::global();
    ["window", "document", "navigator"].iter().all(|k| Reflect::get(&global, &(*k).into()).is_ok_and(|v| !v.is_undefined()))
}

fn config_error(e: Error) -> JsValue {
    let r = crate::client::Redactor::new("");
    errors::to_js(e, None, &r)
}

/// The Asyntai API client. Server-side: the API key is a secret.
#[wasm_bindgen]
pub struct Asyntai {
    shared: Rc<Shared>,
    resources: [JsValue; 9],
}

impl core::fmt::Debug for Asyntai {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.shared.client.fmt(f)
    }
}

macro_rules! resources {
    ($($name:ident),*) => {$(
        #[doc = concat!("`client.", stringify!($name), "`")]
        #[wasm_bindgen]
        pub struct $name {
            shared: Rc<Shared>,
        }
        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(stringify!($name))
            }
        }
    )*};
}

resources!(Chat, Websites, Conversations, Sessions, Leads, Account, Knowledge, Webhooks, Tickets);

#[wasm_bindgen]
impl Asyntai {
    /// `new Asyntai({ apiKey, baseURL, timeout, maxRetries, fetch, defaultHeaders, dangerouslyAllowBrowser })`
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Asyntai, JsValue> {
        let o = options::client_options(&options).map_err(config_error)?;
        if in_browser() && !o.allow_browser {
            return Err(config_error(Error::config(
                "Asyntai is for server-side code: in a browser page your API key would be visible to every visitor. \
                 Call the API from your server (or an edge function), or pass `dangerouslyAllowBrowser: true` if you know the risk.",
            )));
        }
        let key = if o.api_key.is_undefined() { env_key().unwrap_or_default() } else { o.api_key.as_string().unwrap_or_default() };
        let transport = match o.fetch {
            Some(f) => FetchTransport::with_fetch(f),
            None => FetchTransport::global().map_err(config_error)?,
        }
        .sharing_timers();
        let mut builder = Client::builder(key).transport(transport);
        if let Some(base) = o.base_url {
            builder = builder.base_url(base);
        }
        if let Some(ms) = o.timeout_ms {
            builder = builder.timeout_ms(ms);
        }
        if let Some(n) = o.max_retries {
            builder = builder.max_retries(n);
        }
        for (name, value) in o.default_headers {
            builder = builder.default_header(name, value);
        }
        let client = builder.build().map_err(config_error)?;
        let shared = Rc::new(Shared { client });
        let s = || shared.clone();
        let resources = [
            Chat { shared: s() }.into(),
            Websites { shared: s() }.into(),
            Conversations { shared: s() }.into(),
            Sessions { shared: s() }.into(),
            Leads { shared: s() }.into(),
            Account { shared: s() }.into(),
            Knowledge { shared: s() }.into(),
            Webhooks { shared: s() }.into(),
            Tickets { shared: s() }.into(),
        ];
        Ok(Asyntai { shared, resources })
    }

    /// The base URL requests go to.
    #[wasm_bindgen(getter, js_name = baseURL)]
    pub fn base_url(&self) -> JsValue {
        // a JavaScript string made here: the glue then has no wasm string to copy out and free
        JsValue::from_str(self.shared.client.base_url())
    }

    /// `POST /chat/`
    #[wasm_bindgen(getter)]
    pub fn chat(&self) -> JsValue {
        self.resources[0].clone()
    }
    /// `GET /websites/`
    #[wasm_bindgen(getter)]
    pub fn websites(&self) -> JsValue {
        self.resources[1].clone()
    }
    /// `GET /conversations/`
    #[wasm_bindgen(getter)]
    pub fn conversations(&self) -> JsValue {
        self.resources[2].clone()
    }
    /// `GET /sessions/`
    #[wasm_bindgen(getter)]
    pub fn sessions(&self) -> JsValue {
        self.resources[3].clone()
    }
    /// `GET /leads/`
    #[wasm_bindgen(getter)]
    pub fn leads(&self) -> JsValue {
        self.resources[4].clone()
    }
    /// `GET /account/`
    #[wasm_bindgen(getter)]
    pub fn account(&self) -> JsValue {
        self.resources[5].clone()
    }
    /// `/knowledge/...`
    #[wasm_bindgen(getter)]
    pub fn knowledge(&self) -> JsValue {
        self.resources[6].clone()
    }
    /// `/webhooks/...`
    #[wasm_bindgen(getter)]
    pub fn webhooks(&self) -> JsValue {
        self.resources[7].clone()
    }
    /// `GET /tickets/`
    #[wasm_bindgen(getter)]
    pub fn tickets(&self) -> JsValue {
        self.resources[8].clone()
    }
}

#[wasm_bindgen]
impl Chat {
    /// `chat.send({ message, session_id?, website_id? }, options?)`
    pub fn send(&self, params: JsValue, options: JsValue) -> Promise {
        self.shared.call::<ChatRequest>(&params, &options)
    }
}

#[wasm_bindgen]
impl Websites {
    /// `websites.list(options?)`
    pub fn list(&self, options: JsValue) -> Promise {
        self.shared.call_op(Ok(Box::new(api::ListWebsitesRequest)), &options)
    }
}

#[wasm_bindgen]
impl Conversations {
    /// `conversations.list({ session_id, limit? }, options?)`
    pub fn list(&self, params: JsValue, options: JsValue) -> Promise {
        self.shared.call::<ListConversationsRequest>(&params, &options)
    }
}

#[wasm_bindgen]
impl Sessions {
    /// `sessions.list({ limit?, website_id?, source?, since?, before? }, options?)`: also async-iterable.
    pub fn list(&self, params: JsValue, options: JsValue) -> Promise {
        self.shared.paged::<ListSessionsRequest>(&params, &options)
    }
}

#[wasm_bindgen]
impl Leads {
    /// `leads.list({ limit?, website_id?, since?, before?, email? }, options?)`: also async-iterable.
    pub fn list(&self, params: JsValue, options: JsValue) -> Promise {
        self.shared.paged::<ListLeadsRequest>(&params, &options)
    }
}

#[wasm_bindgen]
impl Tickets {
    /// `tickets.list({ limit?, website_id?, since?, before? }, options?)`: also async-iterable.
    pub fn list(&self, params: JsValue, options: JsValue) -> Promise {
        self.shared.paged::<ListTicketsRequest>(&params, &options)
    }
}

#[wasm_bindgen]
impl Account {
    /// `account.get(options?)`
    pub fn get(&self, options: JsValue) -> Promise {
        self.shared.call_op(Ok(Box::new(api::GetAccountRequest)), &options)
    }
}

#[wasm_bindgen]
impl Knowledge {
    /// `knowledge.list({ limit?, website_id? }, options?)`
    pub fn list(&self, params: JsValue, options: JsValue) -> Promise {
        self.shared.call::<ListKnowledgeRequest>(&params, &options)
    }
    /// `knowledge.addText({ title, content, website_id? }, options?)`
    #[wasm_bindgen(js_name = addText)]
    pub fn add_text(&self, params: JsValue, options: JsValue) -> Promise {
        self.shared.call::<AddTextRequest>(&params, &options)
    }
    /// `knowledge.addUrl({ url, website_id? }, options?)`
    #[wasm_bindgen(js_name = addUrl)]
    pub fn add_url(&self, params: JsValue, options: JsValue) -> Promise {
        self.shared.call::<AddUrlRequest>(&params, &options)
    }
    /// `knowledge.uploadSpreadsheet({ file, filename?, website_id? }, options?)`
    #[wasm_bindgen(js_name = uploadSpreadsheet)]
    pub fn upload_spreadsheet(&self, params: JsValue, options: JsValue) -> Promise {
        let shared = &self.shared;
        let read = || -> Result<(UploadSpreadsheetRequest<JsFile>, CallOptions), Error> {
            if !params.is_object() || super::options::is_array(&params) {
                options::params(&params, &[])?;
                return Err(Error::validation("file", "`file` is required"));
            }
            let file = options::spreadsheet(&Reflect::get(&params, &"file".into()).unwrap_or(JsValue::UNDEFINED))?;
            let mut p = options::params(&params, &["file"])?;
            let filename = p.read_string("filename").or_else(|| file.name.clone());
            let website_id = p.read_website_id();
            p.finish()?;
            Ok((UploadSpreadsheetRequest { file, filename, website_id }, options::call_options(&options)?))
        };
        match read().and_then(|(upload, o)| shared.prepare(&upload, &o).map(|(req, settings)| (upload, req, settings))) {
            Ok((upload, req, settings)) => shared.send(req, settings, Some(upload)),
            Err(e) => shared.reject(e),
        }
    }
    /// `knowledge.delete(id, options?)`
    pub fn delete(&self, id: JsValue, options: JsValue) -> Promise {
        self.shared.delete(&id, |id| Box::new(api::DeleteKnowledgeRequest { id }), &options)
    }
}

#[wasm_bindgen]
impl Webhooks {
    /// `webhooks.list(options?)`
    pub fn list(&self, options: JsValue) -> Promise {
        self.shared.call_op(Ok(Box::new(api::ListWebhooksRequest)), &options)
    }
    /// `webhooks.create({ url, events, website_id? }, options?)`
    pub fn create(&self, params: JsValue, options: JsValue) -> Promise {
        self.shared.call::<CreateWebhookRequest>(&params, &options)
    }
    /// `webhooks.delete(id, options?)`
    pub fn delete(&self, id: JsValue, options: JsValue) -> Promise {
        self.shared.delete(&id, |id| Box::new(api::webhooks::DeleteWebhookRequest { id }), &options)
    }
}
