//! Signed deliveries (genuine, replayed, forged, stale) and posting them to a receiver:
//! what `send` and `demo` share.

use std::time::Duration;

use hookshield::{Provider, Scheme, Secret, SignOptions};
use serde_json::Value;

use crate::args::unix_now;
use crate::Result;

/// The kinds of delivery `send` and `demo` make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Signed now with the right secret.
    Genuine,
    /// The genuine request, sent again.
    Replay,
    /// The genuine headers with an altered body.
    Forged,
    /// Signed with the right secret, long ago.
    Stale,
}

impl Kind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Genuine => "genuine",
            Kind::Replay => "replay",
            Kind::Forged => "forged",
            Kind::Stale => "stale",
        }
    }
}

/// One request to make.
pub(crate) struct Delivery {
    pub(crate) kind: Kind,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// What to sign with, and how.
pub(crate) struct Signer<'a> {
    pub(crate) provider: Provider,
    pub(crate) scheme: &'a Scheme,
    pub(crate) secret: &'a Secret,
    pub(crate) stale_by: i64,
}

/// Which extra deliveries to make besides the genuine one.
#[derive(Clone, Copy)]
pub(crate) struct Extras {
    pub(crate) replay: bool,
    pub(crate) forge: bool,
    pub(crate) stale: bool,
}

impl Signer<'_> {
    fn sign(
        &self,
        body: &[u8],
        at: i64,
        event_name: Option<&str>,
    ) -> Result<Vec<(String, String)>> {
        let mut options = SignOptions::at(at);
        options.event = event_name.map(str::to_owned);
        Ok(hookshield::sign_with(
            self.provider,
            self.scheme,
            self.secret.clone(),
            body,
            &options,
        )?)
    }

    /// The deliveries for one event: genuine first, then the extras asked for. A stale
    /// delivery is `None` when the scheme signs no timestamp (nothing can be stale).
    pub(crate) fn deliveries(
        &self,
        body: &[u8],
        event_name: Option<&str>,
        extras: Extras,
    ) -> Result<Vec<Option<Delivery>>> {
        let now = unix_now();
        let headers = self.sign(body, now, event_name)?;
        let delivery = |kind, headers, body: Vec<u8>| Delivery {
            kind,
            headers,
            body,
        };
        let mut out = vec![Some(delivery(
            Kind::Genuine,
            headers.clone(),
            body.to_vec(),
        ))];
        if extras.replay {
            out.push(Some(delivery(Kind::Replay, headers.clone(), body.to_vec())));
        }
        if extras.forge {
            out.push(Some(delivery(Kind::Forged, headers, forge(body))));
        }
        if extras.stale {
            out.push(if self.scheme.has_timestamp() {
                Some(delivery(
                    Kind::Stale,
                    self.sign(body, now - self.stale_by, event_name)?,
                    body.to_vec(),
                ))
            } else {
                None
            });
        }
        Ok(out)
    }
}

/// The body an attacker would send: the genuine one with a field added (or, for a body
/// that is not a JSON object, a byte appended).
fn forge(body: &[u8]) -> Vec<u8> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut object)) => {
            object.insert("forged".into(), Value::Bool(true));
            serde_json::to_vec(&Value::Object(object)).expect("JSON serializes")
        }
        _ => [body, b" "].concat(),
    }
}

/// What a receiver answered.
pub(crate) struct Reply {
    pub(crate) status: u16,
    /// The JSON body's `outcome`, when the receiver answers as `hookshield listen` does.
    pub(crate) outcome: Option<String>,
    /// The JSON body's `error.code`.
    pub(crate) code: Option<String>,
    /// The JSON body's `idempotency_key`.
    pub(crate) key: Option<String>,
    /// A short description: the code, the outcome, or the start of the body.
    pub(crate) summary: String,
}

/// An HTTP agent that reports every status instead of failing on 4xx/5xx.
pub(crate) fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .build(),
    )
}

/// POSTs one delivery.
pub(crate) fn deliver(
    agent: &ureq::Agent,
    url: &str,
    delivery: &Delivery,
) -> Result<Reply, String> {
    let mut request = agent.post(url);
    for (name, value) in &delivery.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let mut response = request
        .send(&delivery.body[..])
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    let json: Option<Value> = serde_json::from_str(&text).ok();
    let field = |path: &[&str]| {
        let mut value = json.as_ref()?;
        for part in path {
            value = value.get(part)?;
        }
        value.as_str().map(str::to_owned)
    };
    let outcome = field(&["outcome"]);
    let code = field(&["error", "code"]);
    let key = field(&["idempotency_key"]);
    let summary = match (&code, &outcome) {
        (Some(code), _) => code.clone(),
        (None, Some(outcome)) => outcome.clone(),
        (None, None) => {
            let line = text.lines().next().unwrap_or_default();
            let mut short: String = line.chars().take(40).collect();
            if line.chars().count() > 40 {
                short.push('…');
            }
            short
        }
    };
    Ok(Reply {
        status,
        outcome,
        code,
        key,
        summary,
    })
}
