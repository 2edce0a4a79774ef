//! 客户档案: the file read before a visit, and revealing a full contact for one call.

use chrono::{DateTime, Utc};
use huifang_domain::customer::FILE_VISITS;
use huifang_domain::scope::CustomerLookup;
use huifang_domain::{Customer, CustomerFile, RevealedContact, User, mask_contact};
use uuid::Uuid;

use crate::error::{AppError, Result};
use crate::storage::{
    CustomerQueries, CustomerRows, Newest, ScopeQueries, VisitFilter, VisitQueries,
};

/// The customer (contact masked) and their latest visits by contact time, newest first.
pub fn customer_file<S: CustomerQueries + VisitQueries>(s: &S, id: Uuid) -> Result<CustomerFile> {
    let customer = s.customer(id)?.ok_or(AppError::NotFound)?;
    let filter = VisitFilter {
        customer: Some(id),
        ..VisitFilter::default()
    };
    let visits = s.visit_summaries(filter, Newest::Contacted, FILE_VISITS as u32)?;
    Ok(CustomerFile { customer, visits })
}

/// The full contact of one customer. Written to the audit trail (who, when, which customer;
/// never the number itself), because a full number leaving the server is exactly what the
/// privacy rules watch.
pub fn reveal_contact<S: CustomerRows>(
    s: &S,
    by: &User,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<RevealedContact> {
    let contact = s.contact(id)?.ok_or(AppError::NotFound)?;
    s.log_contact_reveal(by, id, &mask_contact(&contact), now)?;
    Ok(RevealedContact {
        customer_id: id,
        contact,
    })
}

/// Most customers one lookup answers: a pick list, not an export.
pub const MAX_FOUND: u32 = 50;

/// `GET /api/customers?q=`: customers by the start of their name or the end of their number,
/// contacts masked. Whoever records visits may look one up, to visit a walk-in customer.
pub fn find<S: ScopeQueries>(s: &S, user: &User, q: &str, limit: u32) -> Result<Vec<Customer>> {
    if !user.role.can_record_visits() {
        return Err(AppError::Forbidden(format!(
            "role {} does not record visits",
            user.role.as_str()
        )));
    }
    let lookup =
        CustomerLookup::parse(q).map_err(|e| AppError::bad_request(e.message, Some(e.field)))?;
    s.find_customers(&lookup, limit.clamp(1, MAX_FOUND))
}
