//! The rate budget around each attempt: a permit before it, kept in its
//! place when a hold moves it, and a hold after an answer that says the
//! account's limit is reached.

use super::{CallEvent, Op, Shared};
use crate::coordination::Acquire;
use crate::error::{Error, Result};
use http::{HeaderMap, StatusCode};
use std::time::Duration;

/// Takes a slot from the rate budget, if the client has one, and waits
/// for it: one reservation, first come first served, then no more asking.
/// A slot further away than the client may wait is refused at once, and
/// nothing is sent. A hold announced after the slot was reserved (a 429
/// elsewhere) moves it on, and the client waits that much more, keeping
/// its place.
pub(super) async fn permit(shared: &Shared, op: Op, sent: u32) -> Result<()> {
    let Some(budget) = &shared.budget else {
        return Ok(());
    };
    let key = shared.budget_key(op.api);
    // Holds heard after this mark (during the round trip included) may
    // move the slot.
    let mut mark = budget.hold_mark(&key);
    let asked = tokio::time::Instant::now();
    let deadline = asked + shared.max_budget_wait;
    let wait = match budget.acquire(&key, shared.max_budget_wait).await {
        Ok(Acquire::Granted(wait)) => wait,
        Ok(Acquire::Denied(wait)) => {
            tracing::info!(?wait, "no slot from the rate budget in time; not sent");
            return Err(Error::RateLimited {
                retry_after: wait,
                sent,
            });
        }
        Err(source) => {
            tracing::warn!(error = %source, "the rate budget could not answer; not sent");
            return Err(Error::RateBudget { sent, source });
        }
    };
    if !wait.is_zero() {
        tracing::debug!(?wait, "waiting for the reserved slot");
        shared.emit(CallEvent::BudgetWait {
            operation: op.name,
            wait,
        });
    }
    let mut slot = tokio::time::Instant::now() + wait;
    loop {
        tokio::time::sleep_until(slot).await;
        let checked = tokio::time::Instant::now();
        let moved = budget.moved(&key, &mut mark, slot);
        if moved.is_zero() {
            return Ok(());
        }
        match slot.checked_add(moved) {
            Some(later) if later <= deadline => slot = later,
            _ => {
                return Err(Error::RateLimited {
                    retry_after: slot
                        .saturating_duration_since(checked)
                        .saturating_add(moved),
                    sent,
                });
            }
        }
        tracing::debug!(
            ?moved,
            "a hold announced after the slot was reserved moved it"
        );
        shared.emit(CallEvent::BudgetWait {
            operation: op.name,
            wait: moved,
        });
    }
}

/// What Cashfree said of its limit, for the budget: a 429, or nothing
/// left until the reset, holds every client that shares the budget this
/// long.
pub(super) fn learn(shared: &Shared, status: StatusCode, headers: &HeaderMap) -> Option<Duration> {
    shared.budget.as_ref()?;
    let exhausted = headers
        .get("x-ratelimit-remaining")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == "0");
    if status != StatusCode::TOO_MANY_REQUESTS && !exhausted {
        return None;
    }
    // A 429 without an advertised wait still holds for a moment.
    let wait = crate::retry::advertised_wait(headers).unwrap_or(Duration::from_secs(1));
    (!wait.is_zero()).then_some(wait)
}

/// Holds every client that shares the budget.
pub(super) async fn hold_budget(shared: &Shared, op: Op, wait: Duration) {
    let Some(budget) = &shared.budget else {
        return;
    };
    shared.emit(CallEvent::BudgetHold {
        operation: op.name,
        wait,
    });
    if let Err(e) = budget.hold(&shared.budget_key(op.api), wait).await {
        tracing::warn!(error = %e, "could not hold the rate budget");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::OnEvent;
    use crate::coordination::{BudgetRate, LocalBudget, RateBudget};
    use crate::retry::RetryPolicy;
    use crate::verification::Api;
    use std::sync::Arc;
    use tokio::time::Instant;

    fn shared(budget: &LocalBudget) -> Arc<Shared> {
        with_events(budget, None)
    }

    fn with_events(budget: &LocalBudget, on_event: Option<OnEvent>) -> Arc<Shared> {
        Arc::new(Shared {
            client_id: "CF_ID".into(),
            server: "127.0.0.1".into(),
            retry: RetryPolicy::none(),
            budget: Some(Arc::new(budget.clone())),
            max_budget_wait: Duration::from_secs(60),
            on_event,
            #[cfg(feature = "two-factor")]
            signer: None,
        })
    }

    const STATUS: Op = Op::new(Api::Ppi, "ppi.status", "POST");
    const SECOND: Duration = Duration::from_secs(1);

    /// Each caller's permit, in a task of its own: when it came.
    fn permit_in_task(shared: &Arc<Shared>) -> tokio::task::JoinHandle<Duration> {
        let shared = shared.clone();
        let start = Instant::now();
        tokio::spawn(async move {
            permit(&shared, STATUS, 0).await.unwrap();
            start.elapsed()
        })
    }

    /// Two callers hold slots at 1 s and 2 s when a 3 s hold comes; a
    /// third reserves during the hold. The two keep their places, moved
    /// by the hold, and the third goes after them.
    #[tokio::test(start_paused = true)]
    async fn a_hold_keeps_the_order_of_the_slots_reserved_before_it() {
        let budget = LocalBudget::new(BudgetRate::per_minute(60).unwrap());
        let events = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = events.clone();
        let shared = with_events(
            &budget,
            Some(Arc::new(move |event: &CallEvent| {
                sink.lock().unwrap().push(event.clone())
            })),
        );
        let key = shared.budget_key(Api::Ppi);
        assert_eq!(
            budget.acquire_now(&key, Duration::ZERO),
            Acquire::Granted(Duration::ZERO)
        );
        let first = permit_in_task(&shared);
        let second = permit_in_task(&shared);
        // Both reserve now, at 0 s.
        tokio::task::yield_now().await;
        let tick = Duration::from_millis(1);
        tokio::time::advance(tick).await;
        budget.hold(&key, 3 * SECOND).await.unwrap();
        tokio::time::advance(tick).await;
        let third = permit_in_task(&shared);
        let mut came = Vec::new();
        for task in [first, second, third] {
            came.push(task.await.unwrap());
        }
        // The third task started 2 ms after the others.
        let tick2 = 2 * tick;
        assert_eq!(came, [4 * SECOND, 5 * SECOND, 6 * SECOND - tick2]);
        // Each wait is reported: the slots, then what the hold added.
        let waits: Vec<_> = events
            .lock()
            .unwrap()
            .iter()
            .map(|event| match event {
                CallEvent::BudgetWait { wait, .. } => *wait,
                other => panic!("{other:?}"),
            })
            .collect();
        let hold = 3 * SECOND;
        assert_eq!(waits, [SECOND, 2 * SECOND, 6 * SECOND - tick2, hold, hold]);
    }

    /// A hold that moves a slot past the caller's wait refuses it, and
    /// says how long.
    #[tokio::test(start_paused = true)]
    async fn a_slot_moved_past_the_wait_is_refused() {
        let budget = LocalBudget::new(BudgetRate::per_minute(60).unwrap());
        let mut patient = Arc::into_inner(shared(&budget)).unwrap();
        patient.max_budget_wait = 5 * SECOND;
        let shared = Arc::new(patient);
        let key = shared.budget_key(Api::Ppi);
        budget.acquire_now(&key, Duration::ZERO);
        let waiting = {
            let shared = shared.clone();
            tokio::spawn(async move { permit(&shared, STATUS, 2).await })
        };
        tokio::task::yield_now().await;
        budget.hold(&key, 10 * SECOND).await.unwrap();
        // The slot (1 s) comes; the hold moved it to 11 s, past the 5 s.
        match waiting.await.unwrap() {
            Err(Error::RateLimited { retry_after, sent }) => {
                assert_eq!((retry_after, sent), (10 * SECOND, 2));
            }
            other => panic!("{other:?}"),
        }
    }
}
