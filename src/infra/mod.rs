//! Infrastructure between clients and the application: the replicas and their balancer
//! ([`fleet`], [`server`], [`balancer`]), the proxies in front of them ([`middleboxes`], with
//! the responses a buffering proxy holds in [`buffering`]),
//! and who each replica serves a new event to ([`fanout`]).

pub mod balancer;
pub mod buffering;
pub mod fanout;
pub mod fleet;
pub mod middleboxes;
pub mod server;
