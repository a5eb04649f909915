//! The audit log console page (`/admin/audit`): filters (action, actor, target, dates), the
//! entries newest first with Load more, and the CSV export with the same filters (`page`); its
//! calls (`api`) and plain logic (`model`). The log lives only on the server: offline, the page
//! says so.

pub mod api;
pub mod model;
pub mod page;
