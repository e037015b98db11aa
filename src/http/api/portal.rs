//! Portal contacts through the API: adding a contact to a client and
//! inviting them. Managers and above; anyone else gets 404.

use actix_web::{HttpResponse, web};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::domain::contact::{Contact, ContactDraft};
use crate::domain::{ClientId, ContactId};
use crate::http::State;
use crate::http::auth::ApiUser;
use crate::http::error::{ApiError, Error};
use crate::http::portal::sign_in::send_link;
use crate::store::portal::{self as stored, Purpose};
use crate::store::records::Reads;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/clients/{id}/contacts", web::post().to(create))
        .route("/contacts/{id}/invite", web::post().to(invite));
}

#[derive(Serialize)]
struct ContactBody {
    id: ContactId,
    client_id: ClientId,
    name: String,
    email: String,
    portal_access: bool,
    created_at: Timestamp,
}

impl From<Contact> for ContactBody {
    fn from(c: Contact) -> Self {
        ContactBody {
            id: c.id,
            client_id: c.client_id,
            name: c.name,
            email: c.email,
            portal_access: c.portal_access,
            created_at: c.created_at,
        }
    }
}

fn managers_only(user: &ApiUser) -> Result<(), ApiError> {
    if user.user.role.sees_all_time() {
        Ok(())
    } else {
        Err(ApiError(Error::NotFound))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewContact {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
}

async fn create(
    state: State,
    user: ApiUser,
    client: web::Path<u64>,
    body: web::Json<NewContact>,
) -> Result<HttpResponse, ApiError> {
    managers_only(&user)?;
    let client = ClientId(*client);
    let draft = ContactDraft {
        name: body.name.clone(),
        email: body.email.clone(),
    };
    let now = Timestamp::now();
    let contact = state
        .store
        .write(move |txn| stored::create_contact(txn, client, draft.clone(), now))
        .await?;
    tracing::info!(contact = %contact.id, client = %client, "contact added");
    Ok(HttpResponse::Created().json(ContactBody::from(contact)))
}

#[derive(Serialize)]
struct Invited {
    contact_id: ContactId,
    queued: bool,
}

async fn invite(
    state: State,
    user: ApiUser,
    contact: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    managers_only(&user)?;
    let contact: Contact = state.store.read(|txn| txn.must(*contact))?;
    if !contact.portal_access {
        return Err(ApiError(Error::Conflict(
            "this contact has no portal access; grant it before inviting".into(),
        )));
    }
    send_link(&state, &contact, Purpose::Invitation).await?;
    tracing::info!(contact = %contact.id, "portal invitation queued");
    Ok(HttpResponse::Accepted().json(Invited {
        contact_id: contact.id,
        queued: true,
    }))
}
