//! Fetching Cashfree's pages: a timeout, one retry for what may pass, and
//! the checks every fetched page must pass (a 200, and not an HTML page
//! where Markdown was expected).

use anyhow::{Context, Result, bail};
use reqwest::Url;
use std::time::Duration;

pub struct Fetcher {
    http: reqwest::blocking::Client,
    /// `--from`: the scheme, host and port that replace every URL's.
    from: Option<Url>,
    timeout: Duration,
}

impl Fetcher {
    pub fn new(timeout: Duration, from: Option<&str>) -> Result<Self> {
        let from = from
            .map(|f| Url::parse(f).with_context(|| format!("--from {f:?} is not a URL")))
            .transpose()?;
        if let Some(f) = &from
            && (f.host_str().is_none() || !matches!(f.scheme(), "http" | "https"))
        {
            bail!("--from {f} must be scheme://host[:port]");
        }
        let http = reqwest::blocking::Client::builder()
            .connect_timeout(timeout)
            .timeout(timeout)
            .user_agent(concat!("cashfree-vkyc-xtask/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("building the HTTP client")?;
        Ok(Fetcher {
            http,
            from,
            timeout,
        })
    }

    /// `url` with `--from`'s scheme, host and port, its path kept.
    pub fn locate(&self, url: &str) -> Result<Url> {
        let mut parsed = Url::parse(url).with_context(|| format!("{url:?} is not a URL"))?;
        if let Some(from) = &self.from {
            // `set_scheme` refuses some changes (https to a non-special
            // scheme); build the URL from its parts instead.
            let port = from.port().map_or_else(String::new, |p| format!(":{p}"));
            let rebuilt = format!(
                "{}://{}{port}{}{}",
                from.scheme(),
                from.host_str().unwrap_or_default(),
                parsed.path(),
                parsed.query().map_or_else(String::new, |q| format!("?{q}"))
            );
            parsed = Url::parse(&rebuilt)?;
        }
        Ok(parsed)
    }

    /// The page's text with `\r\n` made `\n`, or why it could not be had.
    /// A connection failure, a time-out, a 429 or a 5xx is tried once more.
    pub fn get(&self, url: &str) -> Result<String, String> {
        let located = self.locate(url).map_err(|e| format!("{e:#}"))?;
        match self.once(&located) {
            Err((_, true)) => {
                std::thread::sleep(Duration::from_millis(200));
                self.once(&located).map_err(|(reason, _)| reason)
            }
            Err((reason, false)) => Err(reason),
            Ok(text) => Ok(text),
        }
        .map_err(|reason| {
            if self.from.is_some() {
                format!("{reason} (fetched from {located})")
            } else {
                reason
            }
        })
    }

    /// One attempt: the text, or the reason and whether another try may help.
    fn once(&self, url: &Url) -> Result<String, (String, bool)> {
        let response = self.http.get(url.clone()).send().map_err(|e| {
            if e.is_timeout() {
                (format!("timed out after {:?}", self.timeout), true)
            } else {
                (format!("connection failed: {}", root_cause(&e)), true)
            }
        })?;
        let status = response.status();
        if !status.is_success() {
            let transient = status.as_u16() == 429 || status.is_server_error();
            return Err((format!("HTTP {status}"), transient));
        }
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let text = response.text().map_err(|e| {
            if e.is_timeout() {
                (format!("timed out after {:?}", self.timeout), true)
            } else {
                (format!("the body broke off: {}", root_cause(&e)), true)
            }
        })?;
        let start = text
            .trim_start()
            .get(..15)
            .unwrap_or_default()
            .to_ascii_lowercase();
        if content_type.starts_with("text/html")
            || start.starts_with("<!doctype html")
            || start.starts_with("<html")
        {
            return Err((
                format!("an HTML page where Markdown was expected (content-type {content_type:?})"),
                false,
            ));
        }
        Ok(text.replace("\r\n", "\n"))
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut root = e;
    while let Some(source) = root.source() {
        root = source;
    }
    root.to_string()
}
