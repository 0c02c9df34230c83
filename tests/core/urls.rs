//! URL cases shared with the wasm tests: the url crate here, the runtime's `URL` there.

#[path = "../cases/urls.rs"]
mod url_cases;

#[test]
fn urls_parse_as_in_wasm() {
    url_cases::check_all();
}
