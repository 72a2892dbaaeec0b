//! The article's figures, one per file. Each renders a `<figure>` whose `id` names it,
//! with its own controls, a reset to defaults, a caption with one line on what to
//! notice, and readouts named `<figure-id>.<name>`.

pub mod drift;
pub mod eta;
pub mod fitness;
pub mod ghosts;
pub mod limits;
pub mod minibatch;
