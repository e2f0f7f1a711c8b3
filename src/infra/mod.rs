//! Infrastructure between clients and the application: for now the server itself.

pub mod balancer;
pub mod middleboxes;
pub mod server;
