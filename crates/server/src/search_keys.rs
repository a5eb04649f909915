//! Search keys for directory members, computed once when a member is stored and shipped with
//! their card so the app needs no pinyin tables: the lower-cased name, and for a name with Chinese
//! characters its pinyin full spelling and initials (张三 → `zhangsan`, `zs`), then the alias,
//! userid, email and position, lower-cased. A polyphonic character takes its first (most common)
//! reading; Latin letters and digits pass through lower-cased; other characters are dropped from
//! the pinyin forms.

use pinyin::ToPinyin;

/// The keys, de-duplicated, in a stable order.
pub fn search_keys(name: &str, alias: &str, userid: &str, email: &str, position: &str) -> Vec<String> {
    let mut keys: Vec<String> = Vec::with_capacity(7);
    let mut push = |key: String| {
        let key = key.trim().to_owned();
        if !key.is_empty() && !keys.contains(&key) {
            keys.push(key);
        }
    };
    push(name.to_lowercase());
    if name.chars().any(|c| c.to_pinyin().is_some()) {
        let (full, initials) = pinyin_forms(name);
        push(full);
        push(initials);
    }
    push(alias.to_lowercase());
    push(userid.to_lowercase());
    push(email.to_lowercase());
    push(position.to_lowercase());
    keys
}

/// Pinyin full spelling and initials of `text`.
fn pinyin_forms(text: &str) -> (String, String) {
    let mut full = String::new();
    let mut initials = String::new();
    for c in text.chars() {
        if let Some(reading) = c.to_pinyin() {
            full.push_str(reading.plain());
            initials.push_str(reading.first_letter());
        } else if c.is_alphanumeric() {
            for lower in c.to_lowercase() {
                full.push(lower);
                initials.push(lower);
            }
        }
    }
    (full, initials)
}

/// Keys as stored in one column: joined by a newline (a character no query contains, so a match
/// never spans two keys).
pub fn join(keys: &[String]) -> String {
    keys.join("\n")
}

/// The stored column back as keys.
pub fn split(stored: &str) -> Vec<String> {
    stored.split('\n').filter(|k| !k.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names_get_pinyin_and_initials() {
        let keys =
            search_keys("张三", "Zhang San", "zhangsan", "Zhang.San@Weft.Example", "前端工程师 Frontend Engineer");
        assert_eq!(
            keys,
            vec!["张三", "zhangsan", "zs", "zhang san", "zhang.san@weft.example", "前端工程师 frontend engineer"]
        );
    }

    #[test]
    fn polyphones_take_the_first_reading_and_latin_passes_through() {
        let keys = search_keys("曾小A3", "", "x", "", "");
        assert!(keys.contains(&"zengxiaoa3".to_owned()) || keys.contains(&"cengxiaoa3".to_owned()), "{keys:?}");
        let latin = search_keys("Alice Smith", "", "alice", "", "");
        assert_eq!(latin, vec!["alice smith", "alice"]);
    }

    #[test]
    fn stored_form_round_trips() {
        let keys = search_keys("李四", "", "lisi", "", "");
        assert_eq!(split(&join(&keys)), keys);
        assert_eq!(split(""), Vec::<String>::new());
    }
}
