//! TLS: versions, handshake flights and record overhead.
//!
//! The handshake adds round trips after TCP's: TLS 1.3 one (ClientHello; the server's whole
//! flight; the client's Finished travels with its first request), TLS 1.2 two (ClientHello;
//! ServerHello…ServerHelloDone; ClientKeyExchange, ChangeCipherSpec, Finished; the
//! server's ChangeCipherSpec and Finished; then the request). Afterwards every write is
//! cut into records of at most 16 KiB of plaintext, each with a fixed overhead.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The TLS version a client group uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TlsVersion {
    /// Plain TCP.
    #[default]
    None,
    V1_2,
    V1_3,
}

/// Largest plaintext of one record (RFC 8446 section 5.1; RFC 5246 section 6.2.1).
pub const MAX_RECORD_PLAINTEXT: u64 = 16_384;

/// TLS 1.3 client's second flight: a compatibility ChangeCipherSpec record (6 bytes) and
/// the encrypted Finished (4-byte header + 32-byte SHA-256 verify data, 1 content-type byte,
/// 16-byte AES-GCM tag, 5-byte record header: 58 bytes).
pub const CLIENT_FINISHED_1_3: u64 = 6 + 58;
/// TLS 1.2 client's second flight: ClientKeyExchange for X25519 (5 + 4 + 1 + 32 = 42),
/// ChangeCipherSpec (6) and Finished (5-byte header, 8-byte explicit nonce, 16 bytes of
/// verify data with its 4-byte header, 16-byte tag: 49).
pub const CLIENT_FINISHED_1_2: u64 = 42 + 6 + 49;
/// TLS 1.3 EndOfEarlyData after 0-RTT data: 5-byte header, 4-byte handshake header,
/// content-type byte, 16-byte tag.
pub const END_OF_EARLY_DATA: u64 = 5 + 4 + 1 + 16;
/// TLS 1.2 server's second flight: ChangeCipherSpec (6) and Finished (49).
pub const SERVER_FINISHED_1_2: u64 = 6 + 49;

/// A ClientHello as Chrome sent it before post-quantum key shares: 517 bytes, the size
/// the padding extension (RFC 7685) brings it to.
pub const DEFAULT_CLIENT_HELLO: u64 = 517;
/// The server's first flight with a two-certificate chain (RSA-2048 leaf and intermediate,
/// about 1.3-1.8 KB each) and the handshake messages around it.
pub const DEFAULT_SERVER_HELLO: u64 = 4000;
/// The server's first flight of a resumed handshake: ServerHello (about 120 bytes with its
/// pre-shared-key extension) plus EncryptedExtensions and Finished (1.3) or ChangeCipherSpec
/// and Finished (1.2), no certificates.
pub const DEFAULT_RESUMED_SERVER_HELLO: u64 = 200;

/// Bytes of the TLS handshake's first flights.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct TlsSizes {
    /// Default [`DEFAULT_CLIENT_HELLO`].
    pub client_hello: u64,
    /// Default [`DEFAULT_SERVER_HELLO`].
    pub server_hello: u64,
    /// Whether a client that held a session before resumes it (no certificates sent).
    pub resumption: bool,
    /// Default [`DEFAULT_RESUMED_SERVER_HELLO`].
    pub resumed_server_hello: u64,
}

impl TlsVersion {
    /// Bytes each record adds with AES-GCM: TLS 1.3 a 5-byte header, the inner content-type
    /// byte and a 16-byte tag (22); TLS 1.2 a 5-byte header, an 8-byte explicit nonce and a
    /// 16-byte tag (29).
    pub fn record_overhead(self) -> u64 {
        match self {
            TlsVersion::None => 0,
            TlsVersion::V1_2 => 29,
            TlsVersion::V1_3 => 22,
        }
    }

    /// TLS bytes added to one write of `bytes` of application data.
    pub fn record_bytes(self, bytes: u64) -> u64 {
        if bytes == 0 {
            0
        } else {
            bytes.div_ceil(MAX_RECORD_PLAINTEXT) * self.record_overhead()
        }
    }

    /// Round trips the handshake adds before the first request.
    pub fn handshake_round_trips(self) -> u32 {
        match self {
            TlsVersion::None => 0,
            TlsVersion::V1_2 => 2,
            TlsVersion::V1_3 => 1,
        }
    }

    fn name(self) -> &'static str {
        match self {
            TlsVersion::None => "none",
            TlsVersion::V1_2 => "1.2",
            TlsVersion::V1_3 => "1.3",
        }
    }
}

impl fmt::Display for TlsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for TlsVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Accepts `none`, `"1.2"`, `"1.3"` and the unquoted YAML numbers 1.2 and 1.3.
impl<'de> Deserialize<'de> for TlsVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct VersionVisitor;
        const EXPECTED: &str = "expected one of: none, \"1.2\", \"1.3\"";
        impl Visitor<'_> for VersionVisitor {
            type Value = TlsVersion;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a TLS version: none, \"1.2\" or \"1.3\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TlsVersion, E> {
                match v {
                    "none" => Ok(TlsVersion::None),
                    "1.2" => Ok(TlsVersion::V1_2),
                    "1.3" => Ok(TlsVersion::V1_3),
                    other => Err(E::custom(format!(
                        "unknown TLS version \"{other}\"; {EXPECTED}"
                    ))),
                }
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<TlsVersion, E> {
                if v == 1.2 {
                    Ok(TlsVersion::V1_2)
                } else if v == 1.3 {
                    Ok(TlsVersion::V1_3)
                } else {
                    Err(E::custom(format!("unknown TLS version {v}; {EXPECTED}")))
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TlsVersion, E> {
                Err(E::custom(format!("unknown TLS version {v}; {EXPECTED}")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TlsVersion, E> {
                Err(E::custom(format!("unknown TLS version {v}; {EXPECTED}")))
            }
        }
        deserializer.deserialize_any(VersionVisitor)
    }
}

impl schemars::JsonSchema for TlsVersion {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TlsVersion".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "TLS version: none, \"1.2\" or \"1.3\" (unquoted numbers work too).",
            "enum": ["none", "1.2", "1.3", 1.2, 1.3],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_overhead_per_record() {
        assert_eq!(TlsVersion::V1_3.record_bytes(0), 0);
        assert_eq!(TlsVersion::V1_3.record_bytes(1), 22);
        assert_eq!(TlsVersion::V1_3.record_bytes(16_384), 22);
        assert_eq!(TlsVersion::V1_3.record_bytes(16_385), 44);
        assert_eq!(TlsVersion::V1_2.record_bytes(100), 29);
        assert_eq!(TlsVersion::None.record_bytes(100), 0);
    }

    #[test]
    fn versions_parse_from_yaml_strings_and_numbers() {
        #[derive(Deserialize)]
        struct Doc {
            tls: TlsVersion,
        }
        let parse = |text: &str| serde_saphyr::from_str::<Doc>(text).map(|d| d.tls);
        assert_eq!(parse("tls: none").unwrap(), TlsVersion::None);
        assert_eq!(parse("tls: \"1.2\"").unwrap(), TlsVersion::V1_2);
        assert_eq!(parse("tls: 1.3").unwrap(), TlsVersion::V1_3);
        let error = parse("tls: 1.1").unwrap_err().to_string();
        assert!(error.contains("unknown TLS version"), "{error}");
    }
}
