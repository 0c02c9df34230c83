//! What pagination reads of a JSON:API document: `links.next`, `meta.page.hasMore`, and the
//! resources of `data`.

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::loose::Bounded;

/// The members of a document that say whether another page follows, read with the shapes
/// the client already has (an entry list, a bounded value) rather than one struct per level.
#[derive(Debug, Default, Deserialize)]
pub struct PageLinks {
    links: Option<Bounded>,
    meta: Option<Bounded>,
}

impl PageLinks {
    /// The next page: `links.next` (a URL, or a JSON:API link object's `href`), unless it is
    /// empty or `meta.page.hasMore` is `false`.
    pub fn next(&self) -> Option<&str> {
        let page = self.meta.as_ref().and_then(|m| m.get("page"));
        if page.and_then(|p| p.get("hasMore")) == Some(&Bounded::Bool(false)) {
            return None;
        }
        let link = self.links.as_ref()?.get("next")?;
        let next = link.as_str().or_else(|| link.get("href")?.as_str())?;
        (!next.trim().is_empty()).then_some(next)
    }
}

/// The `data` of a list document: its resources, each as sent.
#[derive(Deserialize)]
#[serde(bound = "P: DeserializeOwned")]
pub struct DataList<P> {
    /// The resources.
    pub data: Vec<P>,
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::runtime::Payload;
    use serde_json::{json, Value};

    fn next(doc: Value) -> Option<String> {
        doc.decode::<PageLinks>()
            .unwrap_or_default()
            .next()
            .map(str::to_string)
    }

    #[test]
    fn follows_links_next_until_has_more_is_false() {
        assert_eq!(next(json!({"links": {"next": "/p2"}})), Some("/p2".into()));
        assert_eq!(
            next(json!({"links": {"next": {"href": "/p2", "meta": {"n": 2}}}})),
            Some("/p2".into())
        );
        assert_eq!(
            next(json!({"links": {"next": "/p2"}, "meta": {"page": {"hasMore": true}}})),
            Some("/p2".into())
        );
        assert_eq!(
            next(json!({"links": {"next": "/p2"}, "meta": {"page": {"hasMore": false}}})),
            None
        );
        for end in [
            json!({}),
            json!({"links": {"next": null}}),
            json!({"links": {"next": ""}}),
            json!({"links": "x"}),
            json!({"links": {"next": 2}}),
            json!({"links": {"next": {"href": null}}}),
            json!({"links": {"next": {"href": " "}}}),
            json!({"links": {"next": {"url": "/p2"}}}),
            json!({"links": ["next"]}),
            json!([1]),
        ] {
            assert_eq!(next(end.clone()), None, "{end}");
        }
    }

    #[test]
    fn reads_the_resources_as_sent() {
        let list: DataList<Value> = json!({"data": [{"id": "1", "extra": [1]}, {"id": "2"}]})
            .decode()
            .unwrap();
        assert_eq!(
            list.data,
            vec![json!({"id": "1", "extra": [1]}), json!({"id": "2"})]
        );
        assert!(json!({"data": {"id": "1"}})
            .decode::<DataList<Value>>()
            .is_none());
    }
}
