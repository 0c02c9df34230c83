//! `exchangeCredentials` and `getMe`: argument reading and result translation only.

use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::error::{Error, ErrorCode};
use crate::oneshot::{exchange_credentials, get_me};
use crate::options::{Credentials, Endpoint, Given, EXCHANGE_OPTIONS, GET_ME_OPTIONS};
use crate::redact::Redactor;

use super::client::signal_of;
use super::json::{to_js, JsJson};
use super::promise::{promise, rejected};
use super::runtime::JsRuntime;
use super::snapshot::snapshot;
use super::transport::FetchTransport;

/// One token request with the client's retry rules, no cache.
#[wasm_bindgen(js_name = exchangeCredentials, unchecked_return_type = "Promise<AccessToken>")]
pub fn exchange_credentials_js(
    #[wasm_bindgen(unchecked_param_type = "ExchangeOptions")] options: JsValue,
) -> Promise {
    let read = snapshot(&options, &EXCHANGE_OPTIONS)
        .and_then(|options| Given::read(&JsJson(options), &EXCHANGE_OPTIONS, Rc::default()));
    let read = read.and_then(|given| {
        Ok((
            Credentials::from_options(&given)?,
            Endpoint::from_options(&given)?,
        ))
    });
    let (credentials, endpoint) = match read {
        Ok(read) => read,
        Err(e) => return rejected(e),
    };
    promise(async move {
        exchange_credentials(
            &JsRuntime,
            &FetchTransport::default(),
            &endpoint,
            &credentials,
        )
        .await
        .map(|t| to_js(&t.view()))
    })
}

/// `GET /api/v1/me` with a token the caller holds; a 401 rejects with `unauthenticated`.
#[wasm_bindgen(js_name = getMe, unchecked_return_type = "Promise<User>")]
pub fn get_me_js(
    #[wasm_bindgen(js_name = accessToken, unchecked_param_type = "string")] access_token: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "GetMeOptions")] options: JsValue,
) -> Promise {
    let Some(token) = access_token.as_string() else {
        return rejected(Error::new(
            ErrorCode::InvalidArgument,
            "accessToken must be a string",
        ));
    };
    let read = snapshot(&options, &GET_ME_OPTIONS).and_then(|options| {
        Given::read(
            &JsJson(options),
            &GET_ME_OPTIONS,
            Rc::new(Redactor::new().with(&token)),
        )
    });
    let read = read.and_then(|given| {
        Ok((
            Endpoint::from_options(&given)?,
            signal_of(given.options.signal)?,
        ))
    });
    let (endpoint, signal) = match read {
        Ok(read) => read,
        Err(e) => return rejected(e.redacted(&Redactor::new().with(&token))),
    };
    promise(async move {
        get_me(
            &JsRuntime,
            &FetchTransport::default(),
            &endpoint,
            &token,
            signal.as_ref(),
        )
        .await
        .map(|user| user.0)
    })
}
