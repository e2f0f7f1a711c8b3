//! Bytes per hop of the path: each access-link profile and each topology link, with the
//! bytes of every client group whose path crosses it.
//!
//! Owns: the sum over a hop's groups (a connection's bytes are the same on every hop: TLS
//! termination and re-encryption at middleboxes are not modelled). Does not own: which
//! groups cross which hop, nor the hops' names (the simulation reads both from the
//! scenario), nor the bytes per group (the [`super::recorder::Recorder`] counts them).

use crate::ids::GroupId;
use crate::metrics::HopBytes;
use crate::net::wire::WireBytes;

/// One hop: its name in the results and the groups whose path crosses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub name: String,
    pub groups: Vec<GroupId>,
}

/// Each hop's bytes, in the order of `hops`, from the bytes each group carried.
pub fn hop_bytes(hops: &[Hop], bytes_by_group: &[WireBytes]) -> Vec<HopBytes> {
    hops.iter()
        .map(|hop| {
            let mut bytes = WireBytes::default();
            for g in &hop.groups {
                bytes.down.add(bytes_by_group[*g].down);
                bytes.up.add(bytes_by_group[*g].up);
            }
            HopBytes {
                hop: hop.name.clone(),
                bytes,
                queue: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::wire::LayerBytes;

    fn carried(payload: u64, tcpip: u64) -> WireBytes {
        let layer = LayerBytes {
            payload,
            tcpip,
            ..LayerBytes::default()
        };
        WireBytes {
            down: layer,
            up: LayerBytes {
                payload: payload / 10,
                ..LayerBytes::default()
            },
        }
    }

    #[test]
    fn a_hop_carries_the_bytes_of_every_group_crossing_it() {
        let groups = [carried(1000, 80), carried(300, 40), carried(50, 0)];
        let hop = |name: &str, groups: &[u32]| Hop {
            name: name.into(),
            groups: groups.iter().map(|g| GroupId::new(*g)).collect(),
        };
        let hops = [
            hop("access:wifi", &[0, 2]),
            hop("access:lte", &[1]),
            hop("link:edge-origin", &[0, 1, 2]),
            hop("link:unused", &[]),
        ];
        let out = hop_bytes(&hops, &groups);
        let names: Vec<&str> = out.iter().map(|h| h.hop.as_str()).collect();
        assert_eq!(
            names,
            [
                "access:wifi",
                "access:lte",
                "link:edge-origin",
                "link:unused"
            ]
        );
        assert_eq!(out[0].bytes.down.payload, 1050);
        assert_eq!(out[0].bytes.down.tcpip, 80);
        assert_eq!(out[0].bytes.up.payload, 105);
        assert_eq!(out[1].bytes, groups[1]);
        assert_eq!(out[2].bytes.down.payload, 1350);
        assert_eq!(out[2].bytes.up.payload, 135);
        assert_eq!(out[3].bytes, WireBytes::default());
    }
}
