//! The `GET /api/v1/me` document: what the client checks of the user before handing it back
//! as it came.

use serde::Deserialize;

/// The `/me` document: its `data`, kept as the transport holds it (`P`).
#[derive(Deserialize)]
#[serde(bound = "P: serde::de::DeserializeOwned")]
pub struct MeDocument<P> {
    /// The user, as sent.
    pub data: P,
}

/// The members of the user that are checked, typed as api.md's `User` says (names and dates
/// may also be `null`); the rest is not read. A member of another type fails the decoding.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct UserFields {
    /// `type`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `id`.
    pub id: f64,
    /// `email`.
    pub email: String,
    /// `first_name`.
    pub first_name: Option<String>,
    /// `last_name`.
    pub last_name: Option<String>,
    /// `created_at`.
    pub created_at: Option<String>,
    /// `updated_at`.
    pub updated_at: Option<String>,
}

/// Checks the `data` object of the `/me` document, read as [`UserFields`] (`None`: it does
/// not have that shape): a `user` with a finite numeric id.
pub fn check_user(user: Option<&UserFields>) -> Result<(), &'static str> {
    let user = user.ok_or(
        "data is not a user object (a string type and email, a numeric id, string names and dates)",
    )?;
    if user.kind != "user" {
        return Err("data.type is not \"user\"");
    }
    if !user.id.is_finite() {
        return Err("data.id is not a finite number");
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
            .ok_or("it has no data member")?
            .data;
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
