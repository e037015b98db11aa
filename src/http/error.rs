//! Request errors: one enum, one mapping to status codes, and two renderings
//! (JSON for the API, HTML for pages).
//!
//! What the user reads is kept apart from what is logged: an internal
//! error shows a generic message and logs its detail.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::domain::Invalid;
use crate::store;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    BadRequest(String),
    #[error("sign in first")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("the request body is too large")]
    TooLarge,
    #[error("{0}")]
    Invalid(Invalid),
    #[error("too many attempts; try again in {0} minutes")]
    Throttled(u64),
    #[error("something went wrong on our side")]
    Internal(String),
}

impl Error {
    pub fn status(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadRequest(_) => "bad_request",
            Error::Unauthorized => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound => "not_found",
            Error::Conflict(_) => "conflict",
            Error::TooLarge => "too_large",
            Error::Invalid(_) => "invalid",
            Error::Throttled(_) => "throttled",
            Error::Internal(_) => "internal",
        }
    }

    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::Invalid(invalid) => Some(invalid.field),
            _ => None,
        }
    }

    /// Logs server faults with their detail; client mistakes are debug.
    fn log(&self) {
        match self {
            Error::Internal(detail) => tracing::error!(%detail, "request failed"),
            other => tracing::debug!(code = other.code(), message = %other, "request refused"),
        }
    }
}

impl From<store::Error> for Error {
    fn from(e: store::Error) -> Self {
        match e {
            store::Error::Invalid(invalid) => Error::Invalid(invalid),
            store::Error::NotFound => Error::NotFound,
            store::Error::Conflict(message) => Error::Conflict(message),
            other => Error::Internal(other.to_string()),
        }
    }
}

impl From<Invalid> for Error {
    fn from(e: Invalid) -> Self {
        Error::Invalid(e)
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: Detail<'a>,
}

#[derive(Serialize)]
struct Detail<'a> {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

/// An error answered as JSON: `{"error": {"code", "message", "field"}}`.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ApiError(#[from] pub Error);

impl From<store::Error> for ApiError {
    fn from(e: store::Error) -> Self {
        ApiError(e.into())
    }
}

impl From<Invalid> for ApiError {
    fn from(e: Invalid) -> Self {
        ApiError(e.into())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.0.log();
        let message = match &self.0 {
            Error::Invalid(invalid) => invalid.message.clone(),
            other => other.to_string(),
        };
        let body = Body {
            error: Detail {
                code: self.0.code(),
                message,
                field: self.0.field(),
            },
        };
        let mut response = HttpResponse::build(self.status_code());
        if matches!(self.0, Error::Unauthorized) {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        response.json(body)
    }
}

/// An error answered as a small HTML page.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct PageError(#[from] pub Error);

impl From<store::Error> for PageError {
    fn from(e: store::Error) -> Self {
        PageError(e.into())
    }
}

impl From<Invalid> for PageError {
    fn from(e: Invalid) -> Self {
        PageError(e.into())
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.0.log();
        let status = self.status_code();
        let page = super::pages::ErrorPage {
            status: status.as_u16(),
            title: status.canonical_reason().unwrap_or("Error"),
            message: self.0.to_string(),
        };
        super::pages::render_with(status, &page)
    }
}
