//! The JSON API under `/api/v1`, authenticated with bearer tokens.

use actix_web::error::JsonPayloadError;
use actix_web::web;

use super::error::{ApiError, Error};

mod portal;

pub fn routes(cfg: &mut web::ServiceConfig) {
    portal::routes(cfg);
}

/// Maps a body that failed to parse to the API's error shape.
pub fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            ApiError(Error::TooLarge)
        }
        JsonPayloadError::ContentType => ApiError(Error::BadRequest(
            "send the body as application/json".into(),
        )),
        other => ApiError(Error::BadRequest(format!(
            "the JSON body is malformed: {other}"
        ))),
    }
}
