//! The staff side: server-rendered pages that work without JavaScript.

mod home;
mod outbox;
mod session;

use actix_web::web;

use super::State;
use super::auth::Staff;
use crate::domain::user::Role;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::get().to(session::login_form))
        .route("/login", web::post().to(session::login))
        .route("/logout", web::post().to(session::logout))
        .route("/", web::get().to(home::home))
        .route("/timer/start", web::post().to(home::start_timer))
        .route("/timer/stop", web::post().to(home::stop_timer))
        .route("/admin/outbox", web::get().to(outbox::list))
        .route("/admin/outbox/{id}/retry", web::post().to(outbox::retry));
}

/// Which section of the staff navigation a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Home,
    Timesheet,
    Entries,
    Projects,
    Clients,
    Categories,
    Users,
    Settings,
}

/// What the staff layout needs on every page.
pub struct Chrome {
    pub agency: String,
    pub user_name: String,
    pub role: Role,
    pub csrf: String,
    pub nav: Nav,
    pub flash: Option<&'static str>,
}

impl Chrome {
    pub fn new(state: &State, staff: &Staff, nav: Nav, flash: Option<&str>) -> Chrome {
        let agency = state
            .store
            .read(crate::store::records::Reads::settings)
            .map(|s| s.name)
            .unwrap_or_else(|_| "Glasshouse".into());
        Chrome {
            agency,
            user_name: staff.user.name.clone(),
            role: staff.user.role,
            csrf: staff.csrf.clone(),
            nav,
            flash: flash.and_then(flash_message),
        }
    }

    pub fn is(&self, nav: Nav) -> bool {
        self.nav == nav
    }

    pub fn manager(&self) -> bool {
        self.role.sees_all_time()
    }

    pub fn admin(&self) -> bool {
        self.role.is_admin()
    }
}

/// Redirects carry a short code (`?done=saved`), never free text, so a
/// link cannot make the page say something we did not write.
pub fn flash_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "saved" => "Saved.",
        "deleted" => "Deleted.",
        "created" => "Created.",
        "started" => "Timer started.",
        "stopped" => "Timer stopped; the entry is saved.",
        "not-running" => "No timer was running.",
        "retried" => "Queued for another attempt.",
        _ => return None,
    })
}

#[derive(serde::Deserialize, Default)]
pub struct FlashQuery {
    pub done: Option<String>,
}
