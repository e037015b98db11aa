//! The client portal's pages: sign-in by magic link, the contact's projects,
//! and one project seen through its lens.
//!
//! Handlers here hold internal records only long enough to hand them to
//! `portal::project`; templates receive view types alone.

pub mod auth;
mod cache;
mod pages;
mod preferences;
pub mod sign_in;

use actix_web::web;
use askama::Template;

use crate::portal::view::{ProjectCard, ProjectView};

pub use pages::{portal_input, shared_on_portal};

/// The portal's routes. Called once per worker by the app factory, so each
/// worker gets its own view cache.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::Data::new(cache::ViewCache::default()))
        .route("/portal/login", web::get().to(sign_in::login_form))
        .route("/portal/login", web::post().to(sign_in::login))
        .route("/portal/auth", web::post().to(sign_in::redeem))
        .route("/portal/auth/resend", web::post().to(sign_in::resend))
        .route("/portal/auth/{token}", web::get().to(sign_in::link_page))
        .route("/portal/logout", web::post().to(sign_in::logout))
        .route("/portal", web::get().to(pages::home))
        .route("/portal/projects/{id}", web::get().to(pages::project))
        .route("/portal/preferences", web::get().to(preferences::show))
        .route("/portal/preferences", web::post().to(preferences::save))
        .route(
            "/portal/unsubscribe/{token}",
            web::get().to(preferences::confirm),
        )
        .route(
            "/portal/unsubscribe/{token}",
            web::post().to(preferences::unsubscribe),
        );
}

/// What the portal layout needs on every page.
pub struct PortalChrome {
    pub agency: String,
    /// The signed-in contact's own name; `None` in a staff preview.
    pub contact_name: Option<String>,
    pub csrf: String,
    pub preview: Option<PreviewBanner>,
}

/// Marks a page as a staff member's preview of the portal.
pub struct PreviewBanner {
    pub client: String,
    pub back: String,
}

#[derive(Template)]
#[template(path = "portal/project.html")]
pub struct ProjectPage {
    pub chrome: PortalChrome,
    pub view: ProjectView,
}

#[derive(Template)]
#[template(path = "portal/home.html")]
pub struct HomePage {
    pub chrome: PortalChrome,
    pub client: String,
    pub projects: Vec<ProjectCard>,
}
