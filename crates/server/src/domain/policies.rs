//! The workspace's policies (`weft_protocol::policy`): checking an administrator's new ones
//! (ranges, file types tidied to lowercase extensions without dots, sorted, each once), the
//! store limits they mean, what a session's device may keep, and where the audit log's
//! retention puts its purge line.

use crate::store::Limits;
use weft_protocol::Millis;
use weft_protocol::auth::SessionTerms;
use weft_protocol::policy::{
    MAX_AUDIT_RETENTION_DAYS, MAX_FILE_BYTES_LIMIT, MAX_FILE_TYPES, MAX_GROUP_SIZE_LIMIT, MAX_RECALL_WINDOW_MINUTES,
    MAX_UPLOAD_QUOTA_MIB, MIN_AUDIT_RETENTION_DAYS, MIN_FILE_BYTES_LIMIT, OfflineCopies, WorkspacePolicies,
};

const MIB: u64 = 1024 * 1024;
const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 24 * 60 * MINUTE_MS;

/// The policies a workspace has until an administrator saves its own: the server's start-up
/// limits (flags or their defaults), every file size up to the hard limit, any file type.
pub fn defaults(limits: Limits) -> WorkspacePolicies {
    WorkspacePolicies {
        recall_window_minutes: u32::try_from(limits.recall_window_ms / MINUTE_MS).unwrap_or(MAX_RECALL_WINDOW_MINUTES),
        max_group_size: u32::try_from(limits.max_group_size).unwrap_or(MAX_GROUP_SIZE_LIMIT),
        max_file_bytes: MAX_FILE_BYTES_LIMIT,
        upload_quota_mib: limits.upload_quota_bytes.div_ceil(MIB),
        allowed_file_types: Vec::new(),
        offline_copies: OfflineCopies::AllDevices,
        external_sharing: true,
        audit_retention_days: 0,
    }
}

/// A session's terms with what the policies let it do: keep chats on its device (by its mode),
/// share messages to other apps.
pub fn with_device_policies(terms: SessionTerms, policies: &WorkspacePolicies) -> SessionTerms {
    SessionTerms {
        offline_copy: policies.offline_copies.allows(terms.mode),
        external_sharing: policies.external_sharing,
        ..terms
    }
}

/// The time before which audit entries are past the retention at `now`; None while entries are
/// kept forever.
pub fn audit_purge_line(policies: &WorkspacePolicies, now: Millis) -> Option<Millis> {
    (policies.audit_retention_days > 0)
        .then(|| now.saturating_sub(Millis::from(policies.audit_retention_days) * DAY_MS))
}

/// The store limits the policies mean.
pub fn limits(policies: &WorkspacePolicies) -> Limits {
    Limits {
        recall_window_ms: i64::from(policies.recall_window_minutes) * MINUTE_MS,
        max_group_size: policies.max_group_size as usize,
        upload_quota_bytes: policies.upload_quota_mib.saturating_mul(MIB),
    }
}

/// Checks new policies and returns them tidied; the error names the field.
pub fn check(policies: WorkspacePolicies) -> Result<WorkspacePolicies, String> {
    if policies.recall_window_minutes > MAX_RECALL_WINDOW_MINUTES {
        return Err(format!("recall_window_minutes: at most {MAX_RECALL_WINDOW_MINUTES} (7 days)"));
    }
    if !(2..=MAX_GROUP_SIZE_LIMIT).contains(&policies.max_group_size) {
        return Err(format!("max_group_size: between 2 and {MAX_GROUP_SIZE_LIMIT}"));
    }
    if !(MIN_FILE_BYTES_LIMIT..=MAX_FILE_BYTES_LIMIT).contains(&policies.max_file_bytes) {
        return Err(format!(
            "max_file_bytes: between {MIN_FILE_BYTES_LIMIT} (1 KiB) and {MAX_FILE_BYTES_LIMIT} (10 MiB)"
        ));
    }
    if !(1..=MAX_UPLOAD_QUOTA_MIB).contains(&policies.upload_quota_mib) {
        return Err(format!("upload_quota_mib: between 1 and {MAX_UPLOAD_QUOTA_MIB} (1 TiB)"));
    }
    let retention = policies.audit_retention_days;
    if retention != 0 && !(MIN_AUDIT_RETENTION_DAYS..=MAX_AUDIT_RETENTION_DAYS).contains(&retention) {
        return Err(format!(
            "audit_retention_days: 0 (keep forever) or between {MIN_AUDIT_RETENTION_DAYS} and {MAX_AUDIT_RETENTION_DAYS}"
        ));
    }
    if policies.allowed_file_types.len() > MAX_FILE_TYPES {
        return Err(format!("allowed_file_types: at most {MAX_FILE_TYPES} types"));
    }
    let mut types = Vec::with_capacity(policies.allowed_file_types.len());
    for raw in &policies.allowed_file_types {
        let tidy = raw.trim().trim_start_matches('.').to_lowercase();
        let well_formed = (1..=16).contains(&tidy.len()) && tidy.bytes().all(|b| b.is_ascii_alphanumeric());
        if !well_formed {
            return Err(format!(
                "allowed_file_types: \"{}\" is not a file name extension (letters and digits, like pdf or png)",
                raw.chars().take(40).collect::<String>()
            ));
        }
        types.push(tidy);
    }
    types.sort();
    types.dedup();
    Ok(WorkspacePolicies { allowed_file_types: types, ..policies })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> WorkspacePolicies {
        defaults(Limits::default())
    }

    #[test]
    fn the_defaults_are_the_start_up_limits_and_say_the_same_back() {
        let policies = sample();
        assert_eq!(policies.recall_window_minutes, 24 * 60);
        assert_eq!(policies.max_group_size, 500);
        assert_eq!(policies.max_file_bytes, MAX_FILE_BYTES_LIMIT);
        assert!(policies.allowed_file_types.is_empty());
        let back = limits(&policies);
        assert_eq!(back.recall_window_ms, Limits::default().recall_window_ms);
        assert_eq!(back.max_group_size, Limits::default().max_group_size);
        assert_eq!(back.upload_quota_bytes, Limits::default().upload_quota_bytes);
        assert_eq!(check(policies.clone()), Ok(policies));
    }

    #[test]
    fn out_of_range_values_are_refused_naming_the_field() {
        let refused = |change: fn(&mut WorkspacePolicies)| {
            let mut policies = sample();
            change(&mut policies);
            check(policies).expect_err("refused")
        };
        assert!(
            refused(|p| p.recall_window_minutes = MAX_RECALL_WINDOW_MINUTES + 1).starts_with("recall_window_minutes")
        );
        assert!(refused(|p| p.max_group_size = 1).starts_with("max_group_size"));
        assert!(refused(|p| p.max_group_size = MAX_GROUP_SIZE_LIMIT + 1).starts_with("max_group_size"));
        assert!(refused(|p| p.max_file_bytes = 10).starts_with("max_file_bytes"));
        assert!(refused(|p| p.max_file_bytes = MAX_FILE_BYTES_LIMIT + 1).starts_with("max_file_bytes"));
        assert!(refused(|p| p.upload_quota_mib = 0).starts_with("upload_quota_mib"));
        assert!(refused(|p| p.audit_retention_days = 179).starts_with("audit_retention_days"));
        assert!(refused(|p| p.audit_retention_days = 3651).starts_with("audit_retention_days"));
        assert!(refused(|p| p.allowed_file_types = vec!["../exe".into()]).starts_with("allowed_file_types"));
        assert!(refused(|p| p.allowed_file_types = vec![String::new()]).starts_with("allowed_file_types"));
        assert!(
            refused(|p| p.allowed_file_types = vec!["x".into(); MAX_FILE_TYPES + 1]).starts_with("allowed_file_types")
        );
    }

    #[test]
    fn file_types_are_tidied_and_match_file_names_case_blind() {
        let mut policies = sample();
        policies.allowed_file_types = vec![" .PDF".into(), "png".into(), "pdf".into(), "Docx".into()];
        let tidy = check(policies).expect("fine");
        assert_eq!(tidy.allowed_file_types, ["docx", "pdf", "png"]);
        assert!(tidy.allows_file("报告 Report.PDF"));
        assert!(tidy.allows_file("photo.png"));
        assert!(!tidy.allows_file("setup.exe"));
        assert!(!tidy.allows_file("README"), "no extension, not listed");
        assert!(!tidy.allows_file("archive.pdf.exe"));
        assert!(sample().allows_file("anything.exe"), "an empty list allows any kind");
    }

    #[test]
    fn offline_copies_follow_the_device_mode() {
        use weft_protocol::auth::{DeviceMode, Lifetimes};
        let terms = |mode| SessionTerms {
            mode,
            lifetimes: Lifetimes::SHARED_DEFAULT,
            ends_at: 1,
            offline_copy: true,
            external_sharing: true,
        };
        let kept = |rule, mode| {
            with_device_policies(terms(mode), &WorkspacePolicies { offline_copies: rule, ..sample() }).offline_copy
        };
        assert!(kept(OfflineCopies::AllDevices, DeviceMode::Shared));
        assert!(kept(OfflineCopies::PersonalDevices, DeviceMode::Personal));
        assert!(!kept(OfflineCopies::PersonalDevices, DeviceMode::Shared));
        assert!(!kept(OfflineCopies::NoDevices, DeviceMode::Personal));
    }

    #[test]
    fn the_purge_line_is_the_retention_before_now_and_absent_when_kept_forever() {
        let now = 1_000 * DAY_MS;
        assert_eq!(audit_purge_line(&sample(), now), None);
        let kept_a_year = WorkspacePolicies { audit_retention_days: 365, ..sample() };
        assert_eq!(audit_purge_line(&kept_a_year, now), Some(635 * DAY_MS));
        assert_eq!(check(kept_a_year.clone()), Ok(kept_a_year));
    }
}
