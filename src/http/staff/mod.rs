//! The staff side: server-rendered pages that work without JavaScript.
//!
//! One file per noun (entries, timesheet, projects, milestones, clients,
//! categories, users, settings, review). Each handler extracts who is
//! asking, checks the role, calls the store and renders; `views` holds the
//! pieces several pages share and `forms` reads what people type. A form
//! that breaks a rule comes back with status 422, its values kept and the
//! message beside the field; anything the asker may not see is a 404.

mod categories;
mod clients;
mod entries;
mod forms;
mod home;
mod milestones;
mod outbox;
mod projects;
mod review;
mod session;
mod settings;
mod timesheet;
mod users;
mod views;

use actix_web::web;

use super::State;
use super::auth::Staff;
use super::error::{Error, PageError};
use crate::domain::user::Role;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::get().to(session::login_form))
        .route("/login", web::post().to(session::login))
        .route("/logout", web::post().to(session::logout))
        .route("/", web::get().to(home::home))
        .route("/timer/start", web::post().to(home::start_timer))
        .route("/timer/stop", web::post().to(home::stop_timer))
        .route("/entries", web::get().to(entries::list))
        .route("/entries", web::post().to(entries::create))
        .route("/entries/new", web::get().to(entries::new_form))
        .route("/entries/{id}/edit", web::get().to(entries::edit_form))
        .route("/entries/{id}", web::post().to(entries::update))
        .route("/entries/{id}/delete", web::post().to(entries::delete))
        .route("/timesheet", web::get().to(timesheet::week))
        .route("/review", web::get().to(review::vague))
        .configure(projects::routes)
        .configure(milestones::routes)
        .configure(clients::routes)
        .configure(categories::routes)
        .configure(users::routes)
        .configure(settings::routes)
        .route("/admin/outbox", web::get().to(outbox::list))
        .route("/admin/outbox/{id}/retry", web::post().to(outbox::retry));
}

/// For a form that only managers may post: anyone else learns nothing.
pub fn require_manager(staff: &Staff) -> Result<(), PageError> {
    if staff.user.role.sees_all_time() {
        Ok(())
    } else {
        Err(PageError(Error::NotFound))
    }
}

/// For a form that only admins may post.
pub fn require_admin(staff: &Staff) -> Result<(), PageError> {
    if staff.user.role.is_admin() {
        Ok(())
    } else {
        Err(PageError(Error::NotFound))
    }
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
    Review,
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
        "archived" => "Archived.",
        "restored" => "Restored.",
        "disabled" => "Disabled; their sessions are ended.",
        "enabled" => "Enabled.",
        "retried" => "Queued for another attempt.",
        _ => return None,
    })
}

#[derive(serde::Deserialize, Default)]
pub struct FlashQuery {
    pub done: Option<String>,
}
