//! Encoding records to bytes and back.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Error;

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    postcard::to_allocvec(value).expect("domain records always serialize")
}

pub fn decode<T: DeserializeOwned>(table: &'static str, bytes: &[u8]) -> Result<T, Error> {
    postcard::from_bytes(bytes).map_err(|e| Error::Corrupt {
        table,
        detail: e.to_string(),
    })
}
