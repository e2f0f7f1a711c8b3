//! Infrastructure between clients and the application: the replicas and their balancer
//! ([`fleet`], [`server`], [`balancer`]; what their jobs and connections cost per
//! transport in [`costs`], and the I/O model's additions in [`io`]), the proxies in front of them ([`middleboxes`], with
//! the responses a buffering proxy holds in [`buffering`]),
//! a serverless server's instances and invocations ([`serverless`]) and the managed
//! WebSocket gateway in front of it ([`gateway`]),
//! who each replica serves a new event to ([`fanout`]), and the run's fault plan: whom a
//! fault hits, when a replica is down ([`faults`]); the internal service tiers the front
//! replicas call ([`services`]).

pub mod balancer;
pub mod buffering;
pub mod costs;
pub mod fanout;
pub mod faults;
pub mod fleet;
pub mod gateway;
pub mod io;
pub mod middleboxes;
pub mod server;
pub mod serverless;
pub mod services;
