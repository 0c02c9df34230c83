//! The options of the public API: their serde shape, and their validation into the
//! configuration the client runs with (environments, base URL, credentials, numbers).

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::encode::js_number;
use crate::error::{Error, ErrorCode};
use crate::loose::Loose;
use crate::redact::Redactor;
use crate::runtime::Payload;
use crate::secret::Secret;
use crate::url::BaseUrl;
use std::rc::Rc;

/// Base URL of the `production` environment.
pub const PRODUCTION_URL: &str = "https://www.ankorstore.com";
/// Base URL of the `sandbox` environment (Ankorstore's testing environment).
pub const SANDBOX_URL: &str = "https://www.public.ankorstore-sandbox.com";
/// Default time allowed to one HTTP attempt, until its body is read.
pub const DEFAULT_TIMEOUT_MS: f64 = 30_000.0;
/// Default number of retries of one call.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Default number of seconds before expiry at which a token is renewed.
pub const DEFAULT_REFRESH_MARGIN_S: f64 = 60.0;
/// Most retries one call may be given.
const MAX_MAX_RETRIES: f64 = 100.0;

/// The members of the options objects of the constructor and the one-shot functions, as
/// given. Each is read as a [`Loose`] value so that a wrong type gets the client's own
/// message; `tokenStore` and `signal` are JavaScript objects that serde carries as they are
/// (`P`) for the wasm layer.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", bound = "P: DeserializeOwned")]
pub struct Options<P> {
    /// `clientId`.
    pub client_id: Option<Loose>,
    /// `clientSecret`.
    pub client_secret: Option<Loose>,
    /// `scope`.
    pub scope: Option<Loose>,
    /// `environment`.
    pub environment: Option<Loose>,
    /// `baseUrl`.
    pub base_url: Option<Loose>,
    /// `timeoutMs`.
    pub timeout_ms: Option<Loose>,
    /// `maxRetries`.
    pub max_retries: Option<Loose>,
    /// `refreshMarginSeconds`.
    pub refresh_margin_seconds: Option<Loose>,
    /// `tokenStore`.
    pub token_store: Option<P>,
    /// `signal`.
    pub signal: Option<P>,
}

impl<P> Default for Options<P> {
    fn default() -> Self {
        Options {
            client_id: None,
            client_secret: None,
            scope: None,
            environment: None,
            base_url: None,
            timeout_ms: None,
            max_retries: None,
            refresh_margin_seconds: None,
            token_store: None,
            signal: None,
        }
    }
}

/// An options object that was read: its members, its keys, and how to quote what the caller
/// gave in messages (redacting the secret, should the caller have put it elsewhere too).
#[derive(Clone, Debug)]
pub struct Given<P> {
    /// The members.
    pub options: Options<P>,
    /// The keys, in order.
    pub keys: Vec<String>,
    /// Quotes caller input in messages (with the options' own `clientSecret` added when a
    /// message is made: only errors pay for it).
    pub quoter: Rc<Redactor>,
}

impl<P> Default for Given<P> {
    fn default() -> Self {
        Given {
            options: Options::default(),
            keys: Vec::new(),
            quoter: Rc::default(),
        }
    }
}

/// An options object of the public API: its owner (for messages), the code of a mistake in
/// it, whether it may be absent, and its keys. Options are closed: a key that is not one of
/// them is refused, so that a typo such as `enviroment` never silently means production.
pub struct Shape {
    /// The function the options belong to, as written in messages.
    pub owner: &'static str,
    /// `invalid_config` (constructor, one-shot functions) or `invalid_argument` (calls).
    pub code: ErrorCode,
    /// Whether `undefined` (or `null`) means no options.
    pub optional: bool,
    /// The keys.
    pub keys: &'static [&'static str],
}

const ENDPOINT_KEYS: [&str; 4] = ["environment", "baseUrl", "timeoutMs", "maxRetries"];
const CREDENTIAL_KEYS: [&str; 3] = ["clientId", "clientSecret", "scope"];

/// `new AnkorstoreClient(options)`.
pub const CLIENT_OPTIONS: Shape = Shape {
    owner: "new AnkorstoreClient()",
    code: ErrorCode::InvalidConfig,
    optional: false,
    keys: &[
        CREDENTIAL_KEYS[0],
        CREDENTIAL_KEYS[1],
        CREDENTIAL_KEYS[2],
        ENDPOINT_KEYS[0],
        ENDPOINT_KEYS[1],
        ENDPOINT_KEYS[2],
        ENDPOINT_KEYS[3],
        "refreshMarginSeconds",
        "tokenStore",
    ],
};
/// `exchangeCredentials(options)`.
pub const EXCHANGE_OPTIONS: Shape = Shape {
    owner: "exchangeCredentials()",
    code: ErrorCode::InvalidConfig,
    optional: false,
    keys: &[
        CREDENTIAL_KEYS[0],
        CREDENTIAL_KEYS[1],
        CREDENTIAL_KEYS[2],
        ENDPOINT_KEYS[0],
        ENDPOINT_KEYS[1],
        ENDPOINT_KEYS[2],
        ENDPOINT_KEYS[3],
    ],
};
/// `getMe(accessToken, options)`.
pub const GET_ME_OPTIONS: Shape = Shape {
    owner: "getMe()",
    code: ErrorCode::InvalidConfig,
    optional: true,
    keys: &[
        ENDPOINT_KEYS[0],
        ENDPOINT_KEYS[1],
        ENDPOINT_KEYS[2],
        ENDPOINT_KEYS[3],
        "signal",
    ],
};
/// `client.me(options)`.
pub const ME_OPTIONS: Shape = Shape {
    owner: "me()",
    code: ErrorCode::InvalidArgument,
    optional: true,
    keys: &["signal"],
};
/// `client.request(method, path, options)`.
pub const REQUEST_OPTIONS: Shape = Shape {
    owner: "request()",
    code: ErrorCode::InvalidArgument,
    optional: true,
    keys: &["params", "query", "body", "headers", "signal"],
};

/// `client.pages(path, options)` and `client.paginate(path, options)`.
pub const PAGE_OPTIONS: Shape = Shape {
    owner: "pages()",
    code: ErrorCode::InvalidArgument,
    optional: true,
    keys: &["params", "query", "headers", "signal"],
};

/// The known key closest to `key` (a typo or a wrong case), if one is close enough.
fn closest(key: &str, keys: &[&'static str]) -> Option<&'static str> {
    let key = key.to_ascii_lowercase();
    keys.iter()
        .map(|k| (strsim::levenshtein(&key, &k.to_ascii_lowercase()), *k))
        .filter(|(distance, k)| *distance <= (k.len() / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| k)
}

impl<P: Payload> Given<P> {
    /// Reads the options object `value` of `shape`; `quoter` redacts caller input quoted in
    /// messages (the options' own `clientSecret` is added to it).
    pub fn read(value: &P, shape: &Shape, quoter: Rc<Redactor>) -> Result<Given<P>, Error> {
        let keys = match value.decode::<Loose>() {
            Some(Loose::Object(keys)) => keys,
            Some(Loose::Null) | None if shape.optional => return Ok(Given::default()),
            other => {
                let kind = other.as_ref().map_or("undefined", Loose::kind);
                return Err(Error::new(
                    shape.code,
                    format!(
                        "the options of {} must be an object, not {kind}",
                        shape.owner
                    ),
                ));
            }
        };
        let options: Options<P> = value.decode().unwrap_or_default();
        let given = Given {
            options,
            keys,
            quoter,
        };
        if let Some(unknown) = given
            .keys
            .iter()
            .find(|k| !shape.keys.contains(&k.as_str()))
        {
            let hint = closest(unknown, shape.keys)
                .map(|k| format!("; did you mean {k}?"))
                .unwrap_or_else(|| {
                    let listed = shape.keys.iter().fold(String::new(), |list, k| {
                        if list.is_empty() {
                            k.to_string()
                        } else {
                            list + ", " + k
                        }
                    });
                    format!("; its options are {listed}")
                });
            return Err(Error::new(
                shape.code,
                format!(
                    "options.{} is not an option of {}{hint}",
                    given.quote(unknown),
                    shape.owner
                ),
            ));
        }
        Ok(given)
    }
}

impl<P> Given<P> {
    fn quote(&self, text: &str) -> String {
        match &self.options.client_secret {
            Some(Loose::String(secret)) => self.quoter.with(secret).quote(text, 40),
            _ => self.quoter.quote(text, 40),
        }
    }
}

/// Where and how to send HTTP requests (`EndpointOptions`).
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    /// The API host.
    pub base_url: BaseUrl,
    /// Milliseconds allowed to one attempt, until its body is read.
    pub timeout_ms: f64,
    /// Retries allowed to one call, whatever their cause.
    pub max_retries: u32,
}

/// The OAuth2 client credentials (`ExchangeOptions`).
#[derive(Clone, Debug, PartialEq)]
pub struct Credentials {
    /// The client id (not a secret: it appears in token store keys).
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
    /// The requested scope, `*` by default.
    pub scope: String,
}

/// Everything `new AnkorstoreClient(options)` accepts, validated (but `tokenStore`).
#[derive(Clone, Debug, PartialEq)]
pub struct ClientConfig {
    /// Where to send requests.
    pub endpoint: Endpoint,
    /// Credentials for the token endpoint.
    pub credentials: Credentials,
    /// Seconds before expiry at which the cached token is renewed (capped at half its life).
    pub refresh_margin_s: f64,
}

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidConfig, message)
}

fn string_option<'a>(value: &'a Option<Loose>, name: &str) -> Result<Option<&'a str>, Error> {
    match value {
        None => Ok(None),
        Some(Loose::String(s)) => Ok(Some(s)),
        Some(other) => Err(invalid(format!(
            "options.{name} must be a string, not {}",
            other.kind()
        ))),
    }
}

fn required_string<'a>(value: &'a Option<Loose>, name: &str) -> Result<&'a str, Error> {
    match string_option(value, name)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        Some(_) => Err(invalid(format!("options.{name} must not be empty"))),
        None => Err(invalid(format!("options.{name} is required"))),
    }
}

/// A finite, non-negative number option; `positive` also refuses zero.
fn number_option(value: &Option<Loose>, name: &str, positive: bool) -> Result<Option<f64>, Error> {
    match value {
        None => Ok(None),
        Some(Loose::Number(n)) if n.is_finite() && (*n > 0.0 || (!positive && *n == 0.0)) => {
            Ok(Some(*n))
        }
        Some(Loose::Number(n)) => Err(invalid(format!(
            "options.{name} must be a finite {} number, got {}",
            if positive { "positive" } else { "non-negative" },
            js_number(*n)
        ))),
        Some(other) => Err(invalid(format!(
            "options.{name} must be a number, not {}",
            other.kind()
        ))),
    }
}

impl Endpoint {
    /// Validates `EndpointOptions`.
    pub fn from_options<P>(given: &Given<P>) -> Result<Endpoint, Error> {
        let options = &given.options;
        let env_url = match string_option(&options.environment, "environment")? {
            None | Some("production") => PRODUCTION_URL,
            Some("sandbox") => SANDBOX_URL,
            Some(other) => {
                return Err(invalid(format!(
                    "options.environment must be \"production\" or \"sandbox\", got \"{}\"",
                    given.quote(other)
                )))
            }
        };
        let base_url = match string_option(&options.base_url, "baseUrl")? {
            Some(url) => {
                BaseUrl::parse(url).map_err(|e| invalid(format!("options.baseUrl {}", e.0)))?
            }
            None => BaseUrl::parse(env_url).map_err(|e| invalid(e.0.to_string()))?,
        };
        let timeout_ms =
            number_option(&options.timeout_ms, "timeoutMs", true)?.unwrap_or(DEFAULT_TIMEOUT_MS);
        let max_retries = match number_option(&options.max_retries, "maxRetries", false)? {
            None => DEFAULT_MAX_RETRIES,
            Some(n) if n.fract() == 0.0 && n <= MAX_MAX_RETRIES => n as u32,
            Some(n) => {
                return Err(invalid(format!(
                    "options.maxRetries must be a whole number from 0 to 100, got {}",
                    js_number(n)
                )))
            }
        };
        Ok(Endpoint {
            base_url,
            timeout_ms,
            max_retries,
        })
    }
}

impl Credentials {
    /// Validates the credentials of `ExchangeOptions`.
    pub fn from_options<P>(given: &Given<P>) -> Result<Credentials, Error> {
        let options = &given.options;
        let client_id = required_string(&options.client_id, "clientId")?.to_string();
        let client_secret = Secret::new(required_string(&options.client_secret, "clientSecret")?);
        let scope = match string_option(&options.scope, "scope")? {
            None => "*".to_string(),
            Some(s) if !s.trim().is_empty() => s.to_string(),
            Some(_) => return Err(invalid("options.scope must not be empty".into())),
        };
        Ok(Credentials {
            client_id,
            client_secret,
            scope,
        })
    }
}

impl ClientConfig {
    /// Validates `AnkorstoreClientOptions` (but `tokenStore`, a JavaScript object that the
    /// wasm layer checks).
    pub fn from_options<P>(given: &Given<P>) -> Result<ClientConfig, Error> {
        let credentials = Credentials::from_options(given)?;
        let endpoint = Endpoint::from_options(given)?;
        let refresh_margin_s = number_option(
            &given.options.refresh_margin_seconds,
            "refreshMarginSeconds",
            false,
        )?
        .unwrap_or(DEFAULT_REFRESH_MARGIN_S);
        Ok(ClientConfig {
            endpoint,
            credentials,
            refresh_margin_s,
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn config(options: Value) -> Result<ClientConfig, Error> {
        Given::read(&options, &CLIENT_OPTIONS, Rc::default())
            .and_then(|g| ClientConfig::from_options(&g))
    }

    #[test]
    fn defaults() {
        let c = config(json!({"clientId":"id","clientSecret":"s"})).unwrap();
        assert_eq!(c.endpoint.base_url.as_string(), PRODUCTION_URL);
        assert_eq!(c.endpoint.timeout_ms, DEFAULT_TIMEOUT_MS);
        assert_eq!(c.endpoint.max_retries, DEFAULT_MAX_RETRIES);
        assert_eq!(c.refresh_margin_s, DEFAULT_REFRESH_MARGIN_S);
        assert_eq!(c.credentials.scope, "*");
    }

    #[test]
    fn environments_and_base_url_override() {
        let c =
            config(json!({"clientId":"id","clientSecret":"s","environment":"sandbox"})).unwrap();
        assert_eq!(c.endpoint.base_url.as_string(), SANDBOX_URL);
        let c = config(json!({"clientId":"id","clientSecret":"s","environment":"sandbox","baseUrl":"http://localhost:9/"})).unwrap();
        assert_eq!(c.endpoint.base_url.as_string(), "http://localhost:9");
        let c =
            config(json!({"clientId":"id","clientSecret":"s","environment":null,"timeoutMs":null}))
                .unwrap();
        assert_eq!(c.endpoint.timeout_ms, DEFAULT_TIMEOUT_MS);
    }

    #[test]
    fn refuses_bad_options() {
        for bad in [
            json!(null),
            json!([]),
            json!("id:secret"),
            json!({}),
            json!({"clientId":"","clientSecret":"s"}),
            json!({"clientId":"id","clientSecret":"  "}),
            json!({"clientId":"id"}),
            json!({"clientId":1,"clientSecret":"s"}),
            json!({"clientId":"id","clientSecret":"s","environment":"staging"}),
            json!({"clientId":"id","clientSecret":"s","baseUrl":"http://example.com"}),
            json!({"clientId":"id","clientSecret":"s","timeoutMs":-1}),
            json!({"clientId":"id","clientSecret":"s","timeoutMs":0}),
            json!({"clientId":"id","clientSecret":"s","maxRetries":1.5}),
            json!({"clientId":"id","clientSecret":"s","maxRetries":-1}),
            json!({"clientId":"id","clientSecret":"s","maxRetries":101}),
            json!({"clientId":"id","clientSecret":"s","refreshMarginSeconds":-5}),
            json!({"clientId":"id","clientSecret":"s","refreshMarginSeconds":"60"}),
            json!({"clientId":"id","clientSecret":"s","scope":""}),
        ] {
            let e = config(bad.clone()).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidConfig, "{bad}");
        }
    }

    #[test]
    fn messages_say_what_is_wrong() {
        let e = config(json!({"clientId":"id","clientSecret":"s","timeoutMs":-5})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "options.timeoutMs must be a finite positive number, got -5"
        );
        let e = config(json!({"clientId":42,"clientSecret":"s"})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "options.clientId must be a string, not a number"
        );
        let e = config(json!([1])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the options of new AnkorstoreClient() must be an object, not an array"
        );
    }

    #[test]
    fn messages_never_quote_the_secret() {
        let e =
            config(json!({"clientId":"id","clientSecret":"TOPSECRET","environment":"TOPSECRET"}))
                .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidConfig);
        assert!(!format!("{e:?}").contains("TOPSECRET"), "{e:?}");
        assert!(!format!(
            "{:?}",
            config(json!({"clientId":"id","clientSecret":"TOPSECRET"}))
        )
        .contains("TOPSECRET"));
    }

    #[test]
    fn options_are_closed_and_typos_get_a_suggestion() {
        let e =
            config(json!({"clientId":"id","clientSecret":"s","enviroment":"sandbox"})).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidConfig);
        assert_eq!(
            e.to_string(),
            "options.enviroment is not an option of new AnkorstoreClient(); did you mean environment?"
        );
        let e = config(json!({"clientId":"id","clientSecret":"s","clientID":"x"})).unwrap_err();
        assert!(e.to_string().ends_with("did you mean clientId?"), "{e}");
        let e = config(json!({"clientId":"id","clientSecret":"s3cr3t","retries":3})).unwrap_err();
        assert!(e.to_string().ends_with("did you mean maxRetries?"), "{e}");
        let e = config(json!({"clientId":"id","clientSecret":"s3cr3t","proxy":"x"})).unwrap_err();
        assert!(
            e.to_string()
                .contains("its options are clientId, clientSecret"),
            "{e}"
        );
        let e = Given::read(&json!({"sigal": 1}), &ME_OPTIONS, Rc::default()).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidArgument);
        assert_eq!(
            e.to_string(),
            "options.sigal is not an option of me(); did you mean signal?"
        );
        // A key holding the secret is quoted redacted.
        let e =
            config(json!({"clientId":"id","clientSecret":"TOPSECRET","TOPSECRET":1})).unwrap_err();
        assert!(!e.to_string().contains("TOPSECRET"), "{e}");
    }

    #[test]
    fn a_one_character_secret_never_garbles_the_clients_words() {
        let e = config(json!({"clientId":"id","clientSecret":"b","baseUrl":"http://example.com"}))
            .unwrap_err();
        assert!(
            e.to_string().starts_with("options.baseUrl must use https"),
            "{e}"
        );
        let e = config(json!({"clientId":"id","clientSecret":"e","timeoutMs":-5})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "options.timeoutMs must be a finite positive number, got -5"
        );
    }
}
