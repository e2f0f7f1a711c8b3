//! Infrastructure between clients and the application: for now the server itself.

pub mod balancer;
pub mod fleet;
pub mod middleboxes;
pub mod server;
