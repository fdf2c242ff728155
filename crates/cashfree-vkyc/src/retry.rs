//! When and how long to wait before trying a call again.

use backon::{BackoffBuilder, ExponentialBuilder};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Bounded exponential backoff with jitter, for rate limits (429), server
/// errors (5xx) and connection failures.
///
/// The default makes up to 3 retries, waiting 200 ms, 400 ms and 800 ms,
/// each doubling up to `max_delay` (5 s), plus a random jitter of up to as
/// much again. A wait that Cashfree advertises with
/// `retry-after` or `x-ratelimit-reset` replaces the computed one, unless it
/// is longer than [`max_retry_after`](Self::max_retry_after) (60 s), in
/// which case the 429 is returned to the caller instead.
///
/// ```
/// use cashfree_vkyc::RetryPolicy;
/// use std::time::Duration;
///
/// let patient = RetryPolicy::default().max_retries(6).max_delay(Duration::from_secs(20));
/// let never = RetryPolicy::none();
/// # let _ = (patient, never);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) initial_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// At most `n` retries after the first attempt.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The first computed wait.
    pub fn initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// The longest computed wait.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest advertised wait the client will sit out.
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Whether to add random jitter to computed waits (on by default, so
    /// many clients do not retry in step).
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// The computed waits, one per retry.
    pub(crate) fn backoff(&self) -> impl Iterator<Item = Duration> + Send + use<> {
        let mut builder = ExponentialBuilder::default()
            .with_min_delay(self.initial_delay)
            .with_max_delay(self.max_delay)
            .with_factor(2.0)
            .with_max_times(self.max_retries as usize);
        if self.jitter {
            builder = builder.with_jitter();
        }
        builder.build()
    }
}

/// The wait a response advertises: `retry-after` in seconds (or an HTTP
/// date), else `x-ratelimit-reset` as seconds from now or as an epoch time
/// in seconds or milliseconds.
pub(crate) fn advertised_wait(headers: &http::HeaderMap) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(value) = header("retry-after") {
        if let Ok(secs) = value.parse::<f64>() {
            return secs_to_duration(secs);
        }
        // An HTTP-date in any of the three forms RFC 9110 has recipients
        // accept (IMF-fixdate, RFC 850, asctime).
        if let Ok(at) = httpdate::parse_http_date(value) {
            let ahead = at.duration_since(SystemTime::now()).unwrap_or_default();
            return secs_to_duration(ahead.as_secs_f64());
        }
    }
    let reset = header("x-ratelimit-reset")?.parse::<f64>().ok()?;
    let now = now_secs() as f64;
    match reset {
        r if r > 1e12 => secs_to_duration(r / 1000.0 - now),
        r if r > 1e9 => secs_to_duration(r - now),
        r => secs_to_duration(r),
    }
}

fn secs_to_duration(secs: f64) -> Option<Duration> {
    (secs.is_finite()).then(|| Duration::from_secs_f64(secs.clamp(0.0, 86_400.0)))
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> http::HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (http::HeaderName::from_static(k), v.parse().unwrap()))
            .collect()
    }

    #[test]
    fn backoff_is_bounded_and_grows() {
        let close = |d: Duration, ms: u64| d.as_secs_f64() * 1000.0 - ms as f64;
        let waits: Vec<_> = RetryPolicy::default().jitter(false).backoff().collect();
        assert_eq!(waits.len(), 3);
        for (wait, ms) in waits.iter().zip([200, 400, 800]) {
            assert!(close(*wait, ms).abs() < 0.01, "{wait:?} is not {ms} ms");
        }
        assert_eq!(RetryPolicy::none().backoff().count(), 0);
        let capped: Vec<_> = RetryPolicy::default()
            .max_retries(10)
            .jitter(false)
            .backoff()
            .collect();
        assert_eq!(capped.len(), 10);
        assert!(capped.iter().all(|d| *d <= Duration::from_secs(5)));
        let jittered: Vec<_> = RetryPolicy::default().backoff().collect();
        for (wait, ms) in jittered.iter().zip([200, 400, 800]) {
            assert!(
                close(*wait, ms) > -0.01 && close(*wait, 2 * ms) < 0.01,
                "{wait:?} outside [{ms}, {}] ms",
                2 * ms
            );
        }
    }

    #[test]
    fn advertised_waits() {
        assert_eq!(
            advertised_wait(&headers(&[("retry-after", "2")])),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            advertised_wait(&headers(&[("retry-after", "0.25")])),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            advertised_wait(&headers(&[("x-ratelimit-reset", "3")])),
            Some(Duration::from_secs(3))
        );
        let epoch = (now_secs() + 10).to_string();
        let w = advertised_wait(&headers(&[("x-ratelimit-reset", &epoch)])).unwrap();
        assert!(
            w <= Duration::from_secs(10) && w >= Duration::from_secs(8),
            "{w:?}"
        );
        let millis = ((now_secs() + 5) * 1000).to_string();
        let w = advertised_wait(&headers(&[("x-ratelimit-reset", &millis)])).unwrap();
        assert!(
            w <= Duration::from_secs(5) && w >= Duration::from_secs(3),
            "{w:?}"
        );
        assert_eq!(advertised_wait(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(
            advertised_wait(&headers(&[("retry-after", "-4")])),
            Some(Duration::ZERO)
        );
        assert_eq!(advertised_wait(&http::HeaderMap::new()), None);
    }

    #[test]
    fn advertised_http_dates() {
        // Written by chrono, read by the code under test.
        let in_a_minute = (chrono::Utc::now() + chrono::TimeDelta::seconds(60))
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string();
        let w = advertised_wait(&headers(&[("retry-after", &in_a_minute)])).unwrap();
        assert!(
            w <= Duration::from_secs(60) && w >= Duration::from_secs(58),
            "{in_a_minute}: {w:?}"
        );
        for (value, wait) in [
            // The three forms RFC 9110 has recipients accept; in the past,
            // so no wait.
            ("Sun, 06 Nov 1994 08:49:37 GMT", Some(Duration::ZERO)),
            ("Sunday, 06-Nov-94 08:49:37 GMT", Some(Duration::ZERO)),
            ("Sun Nov  6 08:49:37 1994", Some(Duration::ZERO)),
            // Bounded like a number of seconds.
            (
                "Fri, 01 Jan 2100 00:00:00 GMT",
                Some(Duration::from_secs(86_400)),
            ),
            // Not dates.
            ("Sun, 06 Nov 1994", None),
            ("06 Nov 1994 08:49:37 GMT", None),
            ("Sun, 32 Nov 1994 08:49:37 GMT", None),
        ] {
            assert_eq!(
                advertised_wait(&headers(&[("retry-after", value)])),
                wait,
                "{value}"
            );
        }
    }
}
