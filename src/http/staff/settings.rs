//! Agency settings, kept by admins.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::forms::optional_date;
use super::views::{Problem, invalid_or};
use super::{Chrome, FlashQuery, Nav, require_admin};
use crate::domain::hygiene::HygieneRules;
use crate::domain::money::Currency;
use crate::domain::settings::AgencySettings;
use crate::domain::time::{parse_weekday, weekday_name};
use crate::domain::{Invalid, clean_name};
use crate::http::auth::{Admin, Posted, Staff};
use crate::http::error::PageError;
use crate::http::{State, pages};
use crate::store::records::Reads;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings", web::get().to(show))
        .route("/settings", web::post().to(save));
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsForm {
    name: String,
    currency: String,
    time_zone: String,
    week_start: String,
    lock_date: String,
    vague_words: String,
    min_length: String,
    /// The notification fields are optional so that a form from before
    /// they existed keeps the stored values.
    digest_weekday: Option<String>,
    digest_time: Option<String>,
    alert_thresholds: Option<String>,
}

impl SettingsForm {
    fn of(s: &AgencySettings) -> SettingsForm {
        SettingsForm {
            name: s.name.clone(),
            currency: s.currency.to_string(),
            time_zone: s.time_zone.clone(),
            week_start: weekday_name(s.week_start).into(),
            lock_date: s.lock_date.map(|d| d.to_string()).unwrap_or_default(),
            vague_words: s.hygiene.vague_words.join("\n"),
            min_length: s.hygiene.min_length.to_string(),
            digest_weekday: Some(weekday_name(s.digest_weekday).into()),
            digest_time: Some(s.digest_time.strftime("%H:%M").to_string()),
            alert_thresholds: Some(
                s.alert_thresholds
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        }
    }

    fn apply(&self, base: AgencySettings) -> Result<AgencySettings, Invalid> {
        let zone = self.time_zone.trim();
        jiff::tz::TimeZone::get(zone).map_err(|_| {
            Invalid::new(
                "time_zone",
                "must be an IANA time zone such as Europe/Berlin",
            )
        })?;
        let min_length = self
            .min_length
            .trim()
            .parse()
            .map_err(|_| Invalid::new("min_length", "must be a whole number such as 10"))?;
        let mut vague_words: Vec<String> = Vec::new();
        for word in self.vague_words.lines().map(|w| w.trim().to_lowercase()) {
            if !word.is_empty() && !vague_words.contains(&word) {
                vague_words.push(word);
            }
        }
        // Fields this form does not show keep their values.
        let mut settings = base;
        settings.name = clean_name("name", &self.name, 120)?;
        settings.currency = Currency::parse(&self.currency)?;
        settings.time_zone = zone.to_owned();
        settings.week_start = parse_weekday("week_start", &self.week_start)?;
        settings.lock_date = optional_date("lock_date", &self.lock_date)?;
        settings.hygiene = HygieneRules {
            vague_words,
            min_length,
        };
        if let Some(day) = &self.digest_weekday {
            settings.digest_weekday = parse_weekday("digest_weekday", day)?;
        }
        if let Some(at) = &self.digest_time {
            settings.digest_time = crate::domain::lens::parse_time_of_day("digest_time", at)?;
        }
        if let Some(raw) = &self.alert_thresholds {
            settings.alert_thresholds = crate::domain::settings::parse_thresholds(raw)?;
        }
        settings.validate()?;
        Ok(settings)
    }
}

#[derive(Template)]
#[template(path = "staff/settings.html")]
struct SettingsPage {
    chrome: Chrome,
    form: SettingsForm,
    problem: Problem,
    weekdays: [&'static str; 7],
}

fn page(
    state: &State,
    staff: &Staff,
    flash: Option<&str>,
    form: SettingsForm,
    problem: Problem,
) -> SettingsPage {
    SettingsPage {
        chrome: Chrome::new(state, staff, Nav::Settings, flash),
        form,
        problem,
        weekdays: WEEKDAYS,
    }
}

pub async fn show(
    state: State,
    admin: Admin,
    query: web::Query<FlashQuery>,
) -> Result<HttpResponse, PageError> {
    let settings = state.store.read(|txn| txn.settings())?;
    let form = SettingsForm::of(&settings);
    Ok(pages::render(&page(
        &state,
        &admin.0,
        query.done.as_deref(),
        form,
        Problem::none(),
    )))
}

pub async fn save(state: State, posted: Posted<SettingsForm>) -> Result<HttpResponse, PageError> {
    let Posted { staff, form } = posted;
    require_admin(&staff)?;
    let base = state.store.read(|txn| txn.settings())?;
    let settings = match form.apply(base) {
        Ok(settings) => settings,
        Err(invalid) => {
            let page = page(&state, &staff, None, form, Problem::of(invalid));
            return Ok(pages::render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let result = state
        .store
        .write(move |txn| crate::store::settings::save(txn, &settings))
        .await;
    match invalid_or(result)? {
        Ok(_) => Ok(pages::see_other("/settings?done=saved")),
        Err(invalid) => {
            let page = page(&state, &staff, None, form, Problem::of(invalid));
            Ok(pages::render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}
