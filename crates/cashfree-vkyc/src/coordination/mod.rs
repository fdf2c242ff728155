//! What many instances of a service share when they use one Cashfree
//! account: a [`RateBudget`] for the account's requests and a
//! [`DeliveryLog`] for its webhook deliveries.
//!
//! Both are small traits with in-process implementations here
//! ([`LocalBudget`], [`LocalDeliveryLog`]); the `cashfree-vkyc-redis` crate
//! implements them on Redis for many processes. The client takes a permit
//! from its budget before every attempt
//! ([`ClientBuilder::rate_budget`](crate::ClientBuilder::rate_budget)),
//! [`ExactlyOnce`](crate::webhook::ExactlyOnce) drives a delivery log for a
//! webhook receiver, and [`Follower`](crate::Follower) follows many
//! verifications within the budget.

mod budget;
mod holds;
mod log;

pub use budget::{Acquire, BudgetRate, LocalBudget, RateBudget};
pub use holds::{HeardHolds, HoldMark};
pub use log::{Claim, DeliveryLog, LocalDeliveryLog};

use crate::error::BoxError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard};

/// Locks a map of the in-process implementations. A poisoned lock means a
/// panic elsewhere while it was held; every change to these maps is one
/// insert or remove, so none is left half-made, and they stay usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The future a [`RateBudget`] or [`DeliveryLog`] method returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A shared store (Redis, say) could not answer. Nothing was decided: the
/// client sends nothing, and a webhook delivery is not processed.
#[derive(Debug)]
pub struct StoreError {
    message: String,
    source: Option<BoxError>,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl StoreError {
    /// An error with a message that says what failed.
    pub fn new(message: impl Into<String>) -> Self {
        StoreError {
            message: message.into(),
            source: None,
        }
    }

    /// An error with the store's own error as its source.
    pub fn with_source(message: impl Into<String>, source: impl Into<BoxError>) -> Self {
        StoreError {
            message: message.into(),
            source: Some(source.into()),
        }
    }
}
