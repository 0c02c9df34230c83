//! The constructor's options, read as the client reads them (`Given::read`, then
//! `ClientConfig::from_options`, `Endpoint::from_options`, `Credentials::from_options`): the
//! options accepted are exactly those an independent reading of api.md accepts, with the
//! same values; refusals are `invalid_config` and never quote the secret; `Debug` does not
//! depend on the secret.
#![no_main]

use ankorstore_client::parts::{
    BaseUrl, CLIENT_OPTIONS, DEFAULT_MAX_RETRIES, DEFAULT_REFRESH_MARGIN_S, DEFAULT_TIMEOUT_MS,
};
use ankorstore_client::{
    ClientConfig, Credentials, Endpoint, ErrorCode, Given, Secret, PRODUCTION_URL, SANDBOX_URL,
};
use fuzz_support::json_from_bytes;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

/// The configuration the options should give, read independently: `Err(())` when some
/// member is invalid. `null` is as good as absent.
fn oracle(o: &Map<String, Value>) -> Result<ClientConfig, ()> {
    // api.md's AnkorstoreClientOptions: no other key (options are closed).
    const KEYS: [&str; 9] = [
        "clientId",
        "clientSecret",
        "scope",
        "environment",
        "baseUrl",
        "timeoutMs",
        "maxRetries",
        "refreshMarginSeconds",
        "tokenStore",
    ];
    if o.keys().any(|k| !KEYS.contains(&k.as_str())) {
        return Err(());
    }
    let member = |k: &str| o.get(k).filter(|v| !v.is_null());
    let text = |k: &str| -> Result<Option<&str>, ()> {
        match member(k) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(()),
        }
    };
    let filled = |s: &str| !s.trim().is_empty();
    let number = |k: &str| -> Result<Option<f64>, ()> {
        match member(k) {
            None => Ok(None),
            Some(v) => v.as_f64().map(Some).ok_or(()),
        }
    };
    let client_id = text("clientId")?.filter(|s| filled(s)).ok_or(())?;
    let client_secret = text("clientSecret")?.filter(|s| filled(s)).ok_or(())?;
    let scope = match text("scope")? {
        None => "*",
        Some(s) if filled(s) => s,
        Some(_) => return Err(()),
    };
    let env_url = match text("environment")? {
        None | Some("production") => PRODUCTION_URL,
        Some("sandbox") => SANDBOX_URL,
        Some(_) => return Err(()),
    };
    // The base URL's own rules are the `urls` target's business.
    let base_url = BaseUrl::parse(text("baseUrl")?.unwrap_or(env_url)).map_err(|_| ())?;
    let timeout_ms = match number("timeoutMs")? {
        None => DEFAULT_TIMEOUT_MS,
        Some(n) if n.is_finite() && n > 0.0 => n,
        Some(_) => return Err(()),
    };
    let max_retries = match number("maxRetries")? {
        None => DEFAULT_MAX_RETRIES,
        Some(n) if (0.0..=100.0).contains(&n) && n.fract() == 0.0 => n as u32,
        Some(_) => return Err(()),
    };
    let refresh_margin_s = match number("refreshMarginSeconds")? {
        None => DEFAULT_REFRESH_MARGIN_S,
        Some(n) if n.is_finite() && n >= 0.0 => n,
        Some(_) => return Err(()),
    };
    Ok(ClientConfig {
        endpoint: Endpoint {
            base_url,
            timeout_ms,
            max_retries,
        },
        credentials: Credentials {
            client_id: client_id.to_string(),
            client_secret: Secret::new(client_secret),
            scope: scope.to_string(),
        },
        refresh_margin_s,
    })
}

fn read(options: &Value) -> Result<Given<Value>, ankorstore_client::Error> {
    Given::read(options, &CLIENT_OPTIONS, Default::default())
}

/// `options` with the secret made unmistakable: `secret` + U+2603 in `clientSecret` and
/// wherever the secret occurs in another string member. The client's own words are ASCII,
/// so that text can reach a message only by quoting the caller's input.
fn marked(options: &Map<String, Value>, secret: &str) -> (Value, String) {
    let mark = format!("{secret}\u{2603}");
    let members = options
        .iter()
        .map(|(k, v)| {
            let v = match v {
                _ if k == "clientSecret" => Value::String(mark.clone()),
                Value::String(s) => Value::String(s.replace(secret, &mark)),
                other => other.clone(),
            };
            (k.clone(), v)
        })
        .collect();
    (Value::Object(members), mark)
}

fuzz_target!(|data: &[u8]| {
    let options = json_from_bytes(data);
    let given = match read(&options) {
        Ok(given) => given,
        Err(e) => {
            assert_eq!(e.code, ErrorCode::InvalidConfig);
            match &options {
                // Options are closed: a key that is no option is refused, naming it.
                Value::Object(members) => {
                    assert!(oracle(members).is_err(), "{options}");
                    assert!(
                        e.message
                            .contains("is not an option of new AnkorstoreClient()"),
                        "{e}"
                    );
                }
                _ => assert!(
                    e.message
                        .starts_with("the options of new AnkorstoreClient() must be an object"),
                    "{e}"
                ),
            }
            return;
        }
    };
    let Value::Object(members) = &options else {
        panic!("{options} read as an options object")
    };
    let expected = oracle(members);
    match ClientConfig::from_options(&given) {
        Ok(c) => {
            assert_eq!(Ok(&c), expected.as_ref(), "{options}");
            assert!(c.endpoint.timeout_ms.is_finite() && c.endpoint.timeout_ms > 0.0);
            assert!(c.endpoint.max_retries <= 100);
            assert!(c.refresh_margin_s.is_finite() && c.refresh_margin_s >= 0.0);
            let base = c.endpoint.base_url.as_string();
            assert_eq!(BaseUrl::parse(&base).as_ref(), Ok(&c.endpoint.base_url));
            // The same options read piecewise give the same answer.
            assert_eq!(Endpoint::from_options(&given).as_ref(), Ok(&c.endpoint));
            assert_eq!(
                Credentials::from_options(&given).as_ref(),
                Ok(&c.credentials)
            );
            // Debug output of the config does not depend on the secret.
            let mut other = c.clone();
            other.credentials.client_secret = Secret::new("x");
            assert_eq!(format!("{c:?}"), format!("{other:?}"));
        }
        Err(e) => {
            assert!(expected.is_err(), "{options} refused: {e}");
            assert_eq!(e.code, ErrorCode::InvalidConfig);
            assert!(!e.message.is_empty());
            assert_eq!((e.detail, e.status), (None, None));
        }
    }
    let _ = Endpoint::from_options(&given);

    // No refusal quotes the secret, wherever else the caller put it.
    if let Some(Value::String(secret)) = members.get("clientSecret") {
        if !secret.is_empty() {
            let (options, mark) = marked(members, secret);
            let given = read(&options).expect("still an object");
            for e in [
                ClientConfig::from_options(&given).err(),
                Endpoint::from_options(&given).err(),
                Credentials::from_options(&given).err(),
            ]
            .into_iter()
            .flatten()
            {
                assert!(!e.to_string().contains(&mark), "{e}");
                assert!(!format!("{e:?}").contains(&mark), "{e:?}");
            }
        }
    }
});
