//! rtsim's integration tests, one binary with a module per area.

mod bad_input;
mod charts;
mod cli;
mod connections;
mod conservation;
mod determinism;
mod energy;
mod examples;
mod faults;
mod grpc;
mod http2;
mod loss;
mod proxies;
mod queueing;
mod replicas;
mod series;
mod slow_consumers;
mod snapshot;
mod support;
mod sweeps;
mod tabs;
mod theory;
mod tls;
mod topology;
mod wire;
mod workload;
