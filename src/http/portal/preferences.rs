//! Notification preferences: the signed one-click unsubscribe, and the
//! signed-in contact's preferences page.
//!
//! The unsubscribe URL carries an HMAC over the recipient and the kind of
//! notification (`mail::unsubscribe`), so its POST needs no session and no
//! form token: the signature is the authority, and it can only switch off
//! the one notification it names. GET only shows a button, so a mail
//! scanner fetching the link changes nothing.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::PortalChrome;
use super::auth::PortalContact;
use crate::domain::contact::{Contact, Notice, Notifications};
use crate::domain::user::User;
use crate::http::auth::tokens_match;
use crate::http::error::{Error, PageError};
use crate::http::{State, pages};
use crate::mail::unsubscribe;
use crate::store::portal as stored;
use crate::store::records::Reads;
use crate::store::tables;

#[derive(Template)]
#[template(path = "portal/unsubscribe.html")]
struct UnsubscribePage {
    agency: String,
    token: String,
    what: &'static str,
    done: bool,
}

#[derive(Template)]
#[template(path = "portal/preferences.html")]
struct PreferencesPage {
    chrome: PortalChrome,
    notifications: Notifications,
    saved: bool,
}

/// Whom a token names, if its signature holds and they still exist.
fn verified(state: &State, token: &str) -> Result<(String, u64, Notice), Error> {
    let found = state.store.read(|txn| {
        let key = unsubscribe::read_key(txn)?;
        let Some((id, notice)) = unsubscribe::verify(&key, token) else {
            return Ok(None);
        };
        let exists = match notice {
            Notice::StaffBudgetAlerts => txn.get::<User>(id)?.is_some(),
            Notice::WeeklyDigest | Notice::BudgetAlerts => txn.get::<Contact>(id)?.is_some(),
        };
        Ok(exists.then(|| (txn.settings().map(|s| s.name), id, notice)))
    })?;
    match found {
        Some((agency, id, notice)) => Ok((agency?, id, notice)),
        None => Err(Error::NotFound),
    }
}

pub async fn confirm(state: State, token: web::Path<String>) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    let (agency, _, notice) = verified(&state, &token)?;
    Ok(pages::render(&UnsubscribePage {
        agency,
        token,
        what: notice.label(),
        done: false,
    }))
}

/// The one-click POST (RFC 8058) and the confirmation button's POST.
pub async fn unsubscribe(
    state: State,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    let (agency, id, notice) = verified(&state, &token)?;
    state
        .store
        .write(move |txn| {
            match notice {
                Notice::StaffBudgetAlerts => {
                    txn.open_table(tables::ALERTS_MUTED)?.insert(id, ())?;
                }
                Notice::WeeklyDigest | Notice::BudgetAlerts => {
                    stored::set_notification(txn, crate::domain::ContactId(id), notice, false)?;
                }
            }
            Ok(())
        })
        .await?;
    tracing::info!(
        notice = notice.label(),
        "notification turned off by unsubscribe link"
    );
    Ok(pages::render(&UnsubscribePage {
        agency,
        token,
        what: notice.label(),
        done: true,
    }))
}

fn chrome(state: &State, contact: &PortalContact) -> Result<PortalChrome, Error> {
    Ok(PortalChrome {
        agency: state.store.read(|txn| txn.settings())?.name,
        contact_name: Some(contact.contact.name.clone()),
        csrf: contact.csrf.clone(),
        preview: None,
    })
}

#[derive(Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn show(
    state: State,
    contact: PortalContact,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, PageError> {
    Ok(pages::render(&PreferencesPage {
        chrome: chrome(&state, &contact)?,
        notifications: contact.contact.notifications,
        saved: query.saved.is_some(),
    }))
}

#[derive(Deserialize)]
pub struct PreferencesForm {
    #[serde(default)]
    csrf: String,
    /// Checkboxes: present when ticked.
    #[serde(default)]
    weekly_digest: Option<String>,
    #[serde(default)]
    budget_alerts: Option<String>,
}

pub async fn save(
    state: State,
    contact: PortalContact,
    form: web::Form<PreferencesForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    if !tokens_match(&form.csrf, &contact.csrf) {
        return Err(PageError(Error::Forbidden(
            "the form has expired; reload the page and try again".into(),
        )));
    }
    let id = contact.contact.id;
    let (digest, alerts) = (form.weekly_digest.is_some(), form.budget_alerts.is_some());
    state
        .store
        .write(move |txn| {
            stored::set_notification(txn, id, Notice::WeeklyDigest, digest)?;
            stored::set_notification(txn, id, Notice::BudgetAlerts, alerts)?;
            Ok(())
        })
        .await?;
    Ok(pages::see_other("/portal/preferences?saved=1"))
}
