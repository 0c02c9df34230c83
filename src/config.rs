//! Options of the public API, validated once: environments, base URL, credentials, numbers.

use crate::error::{Error, ErrorCode};
use crate::json::Json;
use crate::num::Num;
use crate::redact::Redactor;
use crate::secret::Secret;
use crate::url::BaseUrl;

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

/// Everything `new AnkorstoreClient(options)` accepts, validated.
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

/// Reads the options object; anything but an object (or `undefined`, when `optional`) is an
/// error.
fn options_object<'a>(options: &'a Json, what: &str, optional: bool) -> Result<&'a Json, Error> {
    static EMPTY: Json = Json::Object(Vec::new());
    match options {
        Json::Object(_) => Ok(options),
        Json::Null if optional => Ok(&EMPTY),
        other => Err(invalid(format!(
            "{what} must be an object, not {}",
            other.type_name()
        ))),
    }
}

fn string_option<'a>(options: &'a Json, name: &str) -> Result<Option<&'a str>, Error> {
    match options.field(name) {
        None => Ok(None),
        Some(Json::String(s)) => Ok(Some(s)),
        Some(other) => Err(invalid(format!(
            "options.{name} must be a string, not {}",
            other.type_name()
        ))),
    }
}

fn required_string<'a>(options: &'a Json, name: &str) -> Result<&'a str, Error> {
    match string_option(options, name)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        Some(_) => Err(invalid(format!("options.{name} must not be empty"))),
        None => Err(invalid(format!("options.{name} is required"))),
    }
}

/// A finite, non-negative number option; `positive` also refuses zero.
fn number_option(options: &Json, name: &str, positive: bool) -> Result<Option<f64>, Error> {
    match options.field(name) {
        None => Ok(None),
        Some(Json::Number(n)) if n.is_finite() && (*n > 0.0 || (!positive && *n == 0.0)) => {
            Ok(Some(*n))
        }
        Some(Json::Number(n)) => Err(invalid(format!(
            "options.{name} must be a finite {} number, got {}",
            if positive { "positive" } else { "non-negative" },
            Num(*n)
        ))),
        Some(other) => Err(invalid(format!(
            "options.{name} must be a number, not {}",
            other.type_name()
        ))),
    }
}

impl Endpoint {
    /// Validates `EndpointOptions` (`undefined` means all defaults).
    pub fn from_options(options: &Json) -> Result<Endpoint, Error> {
        let options = options_object(options, "options", true)?;
        let environment = string_option(options, "environment")?;
        let env_url = match environment {
            None | Some("production") => PRODUCTION_URL,
            Some("sandbox") => SANDBOX_URL,
            Some(other) => {
                return Err(invalid(format!(
                    "options.environment must be \"production\" or \"sandbox\", got \"{}\"",
                    other.chars().take(40).collect::<String>()
                )))
            }
        };
        let base_url = match string_option(options, "baseUrl")? {
            Some(url) => {
                BaseUrl::parse(url).map_err(|e| invalid(format!("options.baseUrl {}", e.0)))?
            }
            None => BaseUrl::parse(env_url).map_err(|e| invalid(e.0))?,
        };
        let timeout_ms = number_option(options, "timeoutMs", true)?.unwrap_or(DEFAULT_TIMEOUT_MS);
        let max_retries = match number_option(options, "maxRetries", false)? {
            None => DEFAULT_MAX_RETRIES,
            Some(n) if n.fract() == 0.0 && n <= 100.0 => n as u32,
            Some(n) => {
                return Err(invalid(format!(
                    "options.maxRetries must be a whole number from 0 to 100, got {}",
                    Num(n)
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

/// Messages quote some option values (an unknown environment, a bad port): if a user put
/// the secret there by mistake, it must not come back in the error.
pub fn redact_secret_of(options: &Json, error: Error) -> Error {
    match options.field("clientSecret").and_then(Json::as_str) {
        Some(secret) => error.redacted(&Redactor::new().with(secret)),
        None => error,
    }
}

impl Credentials {
    /// Validates the credentials of `ExchangeOptions`.
    pub fn from_options(options: &Json) -> Result<Credentials, Error> {
        let options = options_object(options, "options", false)?;
        let client_id = required_string(options, "clientId")?.to_string();
        let client_secret = Secret::new(required_string(options, "clientSecret")?);
        let scope = match string_option(options, "scope")? {
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
    /// Validates `AnkorstoreClientOptions` (except `tokenStore`, which is a JavaScript
    /// object the wasm layer checks).
    pub fn from_options(options: &Json) -> Result<ClientConfig, Error> {
        Self::read(options).map_err(|e| redact_secret_of(options, e))
    }

    fn read(options: &Json) -> Result<ClientConfig, Error> {
        let options = options_object(options, "AnkorstoreClient options", false)?;
        let credentials = Credentials::from_options(options)?;
        let endpoint = Endpoint::from_options(options)?;
        let refresh_margin_s = number_option(options, "refreshMarginSeconds", false)?
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
    use crate::json::j;

    fn code(r: Result<ClientConfig, Error>) -> ErrorCode {
        r.unwrap_err().code
    }

    #[test]
    fn defaults() {
        let c = ClientConfig::from_options(&j(r#"{"clientId":"id","clientSecret":"s"}"#)).unwrap();
        assert_eq!(c.endpoint.base_url.as_string(), PRODUCTION_URL);
        assert_eq!(c.endpoint.timeout_ms, 30_000.0);
        assert_eq!(c.endpoint.max_retries, 2);
        assert_eq!(c.refresh_margin_s, 60.0);
        assert_eq!(c.credentials.scope, "*");
    }

    #[test]
    fn environments_and_base_url_override() {
        let c = ClientConfig::from_options(&j(
            r#"{"clientId":"id","clientSecret":"s","environment":"sandbox"}"#,
        ))
        .unwrap();
        assert_eq!(c.endpoint.base_url.as_string(), SANDBOX_URL);
        let c = ClientConfig::from_options(&j(
            r#"{"clientId":"id","clientSecret":"s","environment":"sandbox","baseUrl":"http://localhost:9/"}"#,
        ))
        .unwrap();
        assert_eq!(c.endpoint.base_url.as_string(), "http://localhost:9");
    }

    #[test]
    fn refuses_bad_options() {
        for bad in [
            r#"null"#,
            r#"[]"#,
            r#"{}"#,
            r#"{"clientId":"","clientSecret":"s"}"#,
            r#"{"clientId":"id","clientSecret":"  "}"#,
            r#"{"clientId":"id"}"#,
            r#"{"clientId":1,"clientSecret":"s"}"#,
            r#"{"clientId":"id","clientSecret":"s","environment":"staging"}"#,
            r#"{"clientId":"id","clientSecret":"s","baseUrl":"http://example.com"}"#,
            r#"{"clientId":"id","clientSecret":"s","timeoutMs":-1}"#,
            r#"{"clientId":"id","clientSecret":"s","timeoutMs":0}"#,
            r#"{"clientId":"id","clientSecret":"s","maxRetries":1.5}"#,
            r#"{"clientId":"id","clientSecret":"s","maxRetries":-1}"#,
            r#"{"clientId":"id","clientSecret":"s","refreshMarginSeconds":-5}"#,
            r#"{"clientId":"id","clientSecret":"s","refreshMarginSeconds":"60"}"#,
            r#"{"clientId":"id","clientSecret":"s","scope":""}"#,
        ] {
            assert_eq!(
                code(ClientConfig::from_options(&j(bad))),
                ErrorCode::InvalidConfig,
                "{bad}"
            );
        }
        let nan = Json::Object(vec![
            ("clientId".into(), Json::String("id".into())),
            ("clientSecret".into(), Json::String("s".into())),
            ("timeoutMs".into(), Json::Number(f64::INFINITY)),
        ]);
        assert_eq!(
            code(ClientConfig::from_options(&nan)),
            ErrorCode::InvalidConfig
        );
    }

    #[test]
    fn errors_never_quote_the_secret() {
        let e = ClientConfig::from_options(&j(
            r#"{"clientId":"id","clientSecret":"TOPSECRET","environment":"TOPSECRET"}"#,
        ))
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidConfig);
        assert!(!format!("{e:?}").contains("TOPSECRET"), "{e:?}");
    }
}
