//! API calls: building `request()` and `/me` requests, and reading their answers.

mod call;
mod options;
mod pages;
mod read;
mod user;

pub use call::{prepare_me, prepare_request, ApiRequest, PreparedCall, JSON_API};
pub use options::CallOptions;
pub use pages::{DataList, PageLinks};
pub use read::{read_me_answer, read_request_answer};
pub use user::{check_user, MeDocument, UserFields};
