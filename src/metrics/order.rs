//! Delivery order per client: whether each event that reaches a client comes in order, late
//! (after a later one), or again (a duplicate).

/// What a client has received, as far as order and repetition go: the number after the
/// highest event received, and the gaps below it (events it has not received; those
/// lost for good stay as gaps).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryOrder {
    next: u32,
    gaps: Vec<(u32, u32)>,
}

/// How one event arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    InOrder,
    /// After a later event: it filled a gap.
    Late,
    /// It had arrived before.
    Duplicate,
}

impl DeliveryOrder {
    /// A client whose first event may be `first`.
    pub fn starting_from(first: u32) -> Self {
        DeliveryOrder {
            next: first,
            gaps: Vec::new(),
        }
    }

    /// Event `n` arrives.
    #[inline]
    pub fn receive(&mut self, n: u32) -> Arrival {
        if n >= self.next {
            if n > self.next {
                self.gaps.push((self.next, n));
            }
            self.next = n + 1;
            return Arrival::InOrder;
        }
        let Some(i) = self
            .gaps
            .iter()
            .position(|(from, to)| *from <= n && n < *to)
        else {
            return Arrival::Duplicate;
        };
        let (from, to) = self.gaps[i];
        match (n == from, n + 1 == to) {
            (true, true) => {
                self.gaps.remove(i);
            }
            (true, false) => self.gaps[i].0 = n + 1,
            (false, true) => self.gaps[i].1 = n,
            (false, false) => {
                self.gaps[i].1 = n;
                self.gaps.insert(i + 1, (n + 1, to));
            }
        }
        Arrival::Late
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_and_repeated_events_are_told_apart() {
        let mut order = DeliveryOrder::starting_from(10);
        assert_eq!(order.receive(10), Arrival::InOrder);
        // 11 to 13 are skipped (lost or late).
        assert_eq!(order.receive(14), Arrival::InOrder);
        assert_eq!(order.receive(12), Arrival::Late);
        assert_eq!(order.receive(12), Arrival::Duplicate);
        assert_eq!(order.receive(11), Arrival::Late);
        assert_eq!(order.receive(13), Arrival::Late);
        assert_eq!(order.receive(13), Arrival::Duplicate);
        assert_eq!(order.receive(10), Arrival::Duplicate);
        assert_eq!(order.gaps, []);
        assert_eq!(order.receive(15), Arrival::InOrder);
    }
}
