//! The `GET /api/v1/me` document: what the client checks of the user before handing it back
//! as it came.

use serde::Deserialize;

use crate::loose::Loose;

/// The `/me` document: its `data`, kept as the transport holds it (`P`).
#[derive(Deserialize)]
#[serde(bound = "P: serde::de::DeserializeOwned")]
pub struct MeDocument<P> {
    /// The user, as sent.
    pub data: Option<P>,
}

/// The members of the user that are checked; the rest is not read.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct UserFields {
    /// `type`.
    #[serde(rename = "type")]
    pub kind: Option<Loose>,
    /// `id`.
    pub id: Option<Loose>,
    /// `email`.
    pub email: Option<Loose>,
    /// `first_name`.
    pub first_name: Option<Loose>,
    /// `last_name`.
    pub last_name: Option<Loose>,
    /// `created_at`.
    pub created_at: Option<Loose>,
    /// `updated_at`.
    pub updated_at: Option<Loose>,
}

/// Checks the `data` object of the `/me` document: a user with a finite numeric id, a string
/// email, and string-or-null names and dates. `None` when `data` is not an object.
pub fn check_user(user: Option<&UserFields>) -> Result<(), &'static str> {
    let user = user.ok_or("data is not an object")?;
    if user.kind.as_ref().and_then(Loose::as_str) != Some("user") {
        return Err("data.type is not \"user\"");
    }
    if !user
        .id
        .as_ref()
        .and_then(Loose::as_f64)
        .is_some_and(f64::is_finite)
    {
        return Err("data.id is not a number");
    }
    if user.email.as_ref().and_then(Loose::as_str).is_none() {
        return Err("data.email is not a string");
    }
    for member in [
        &user.first_name,
        &user.last_name,
        &user.created_at,
        &user.updated_at,
    ] {
        if !matches!(member, None | Some(Loose::String(_)) | Some(Loose::Null)) {
            return Err("a name or date of data is not a string");
        }
    }
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::runtime::Payload;
    use serde_json::{json, Value};

    /// Reads a whole `/me` document as the client does.
    fn check(doc: Value) -> Result<(), &'static str> {
        let data = doc
            .decode::<MeDocument<Value>>()
            .and_then(|d| d.data)
            .ok_or("it has no data member")?;
        check_user(data.decode::<UserFields>().as_ref())
    }

    #[test]
    fn checks_user_documents() {
        assert!(check(json!({"data":{"type":"user","id":1234,"email":"a@b.c","first_name":"T","last_name":"A","created_at":"x","updated_at":"y","extra":[1]}})).is_ok());
        assert!(
            check(json!({"data":{"type":"user","id":1,"email":"a","first_name":null}})).is_ok()
        );
        for bad in [
            json!({}),
            json!({"data":null}),
            json!({"data":"user"}),
            json!({"data":{"type":"brand","id":1,"email":"a"}}),
            json!({"data":{"type":"user","id":"1","email":"a"}}),
            json!({"data":{"type":"user","id":1}}),
            json!({"data":{"type":"user","id":1,"email":"a","first_name":3}}),
        ] {
            assert!(check(bad.clone()).is_err(), "{bad}");
        }
    }
}
