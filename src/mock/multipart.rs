//! Hand-written parsers for the spreadsheet upload: `multipart/form-data` (RFC 7578) bodies and
//! CSV (RFC 4180) files. Both work on untrusted bytes and report problems as messages for a 400.

/// One part of a `multipart/form-data` body.
#[derive(Debug)]
pub(crate) struct Part<'a> {
    pub(crate) name: String,
    pub(crate) filename: Option<String>,
    pub(crate) data: &'a [u8],
}

/// The `boundary` parameter of a `multipart/form-data` content type.
pub(crate) fn boundary(content_type: &str) -> Result<String, &'static str> {
    let mut params = content_type.split(';');
    let essence = params.next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("multipart/form-data") {
        return Err("the spreadsheet must be sent as multipart/form-data (with a `file` part)");
    }
    for param in params {
        let Some((key, value)) = param.split_once('=') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("boundary") {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            if value.is_empty() || value.len() > 200 {
                return Err("the multipart/form-data content type has an invalid boundary");
            }
            return Ok(value.to_owned());
        }
    }
    Err("the multipart/form-data content type has no boundary")
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut i = from;
    while i + needle.len() <= haystack.len() {
        let rest = haystack.get(i..)?;
        let off = rest.iter().position(|&b| b == first)?;
        i += off;
        if haystack.get(i..i + needle.len())? == needle {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Splits a `multipart/form-data` body into its parts.
pub(crate) fn parse<'a>(body: &'a [u8], boundary: &str) -> Result<Vec<Part<'a>>, &'static str> {
    const MALFORMED: &str = "malformed multipart/form-data body";
    let mut delimiter = Vec::with_capacity(boundary.len() + 4);
    delimiter.extend_from_slice(b"--");
    delimiter.extend_from_slice(boundary.as_bytes());
    let mut pos = find(body, &delimiter, 0).ok_or(MALFORMED)? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        let rest = body.get(pos..).ok_or(MALFORMED)?;
        if rest.starts_with(b"--") {
            return Ok(parts); // the close delimiter
        }
        // Skip transport padding and the line end after the delimiter.
        let line_end = find(body, b"\n", pos).ok_or(MALFORMED)?;
        let headers_start = line_end + 1;
        let (headers_end, data_start) = match (
            find(body, b"\r\n\r\n", headers_start),
            find(body, b"\n\n", headers_start),
        ) {
            (Some(a), Some(b)) if b < a => (b, b + 2),
            (Some(a), _) => (a, a + 4),
            (None, Some(b)) => (b, b + 2),
            (None, None) => return Err(MALFORMED),
        };
        // A part may be empty: its headers then end right at the blank line.
        let headers = body.get(headers_start..headers_end).ok_or(MALFORMED)?;
        let headers = std::str::from_utf8(headers).map_err(|_| MALFORMED)?;
        let mut next_delim = Vec::with_capacity(delimiter.len() + 2);
        next_delim.push(b'\n');
        next_delim.extend_from_slice(&delimiter);
        let next = find(body, &next_delim, data_start.saturating_sub(1)).ok_or(MALFORMED)?;
        let data_end = if next > 0 && body.get(next - 1) == Some(&b'\r') {
            next - 1
        } else {
            next
        };
        let data = body.get(data_start..data_end.max(data_start)).ok_or(MALFORMED)?;
        let (mut name, mut filename) = (None, None);
        for line in headers.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            if key.trim().eq_ignore_ascii_case("content-disposition") {
                name = disposition_param(value, "name");
                filename = disposition_param(value, "filename");
            }
        }
        if let Some(name) = name {
            parts.push(Part { name, filename, data });
        }
        pos = next + next_delim.len();
    }
}

/// A parameter of a `Content-Disposition` header value (a token or a quoted string).
fn disposition_param(value: &str, wanted: &str) -> Option<String> {
    let mut rest = value;
    loop {
        let semi = rest.find(';')?;
        rest = rest.get(semi + 1..)?.trim_start();
        let eq = rest.find('=')?;
        let key = rest.get(..eq)?.trim();
        let after = rest.get(eq + 1..)?.trim_start();
        let (val, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            out.push(escaped);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    _ => out.push(c),
                }
            }
            (out, quoted.get(end..).unwrap_or(""))
        } else {
            let end = after.find(';').unwrap_or(after.len());
            (after.get(..end)?.trim().to_owned(), after.get(end..).unwrap_or(""))
        };
        if key.eq_ignore_ascii_case(wanted) {
            return Some(val);
        }
        rest = remaining;
        if !rest.starts_with(';') {
            rest = rest.find(';').and_then(|i| rest.get(i..)).unwrap_or("");
        }
        if rest.is_empty() {
            return None;
        }
    }
}

/// Parses CSV text (RFC 4180: comma-separated, `"`-quoted fields with `""` for a quote, records
/// ended by CRLF or LF; a field may hold line breaks inside quotes). A leading UTF-8 byte order mark
/// is skipped. Stops after `max_records` records (blank lines are not records).
pub(crate) fn parse_csv(text: &str, max_records: usize) -> Result<Vec<Vec<String>>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records: Vec<Vec<String>> = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut line = 1usize;
    let mut in_quotes = false;
    let mut quoted_field = false; // the current field started with a quote
    let mut quote_line = 0;
    let end_record = |record: &mut Vec<String>, records: &mut Vec<Vec<String>>| {
        let blank = record.iter().all(|f| f.trim().is_empty());
        if !blank {
            records.push(std::mem::take(record));
        } else {
            record.clear();
        }
    };
    while let Some(c) = chars.next() {
        if records.len() >= max_records {
            break;
        }
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !quoted_field => {
                in_quotes = true;
                quoted_field = true;
                quote_line = line;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                quoted_field = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                line += 1;
                record.push(std::mem::take(&mut field));
                quoted_field = false;
                end_record(&mut record, &mut records);
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(format!(
            "malformed CSV: the quoted field opened on line {quote_line} is never closed"
        ));
    }
    if records.len() < max_records && (!field.is_empty() || !record.is_empty()) {
        record.push(field);
        end_record(&mut record, &mut records);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_from_content_type() {
        assert_eq!(boundary("multipart/form-data; boundary=abc").unwrap(), "abc");
        assert_eq!(
            boundary("Multipart/Form-Data;charset=utf-8; BOUNDARY=\"a b\"").unwrap(),
            "a b"
        );
        assert!(boundary("application/json").is_err());
        assert!(boundary("multipart/form-data").is_err());
        assert!(boundary("multipart/form-data; boundary=").is_err());
    }

    #[test]
    fn parses_parts_with_crlf_and_binary_data() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"website_id\"\r\n\r\n1\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".csv\"\r\n\
Content-Type: text/csv\r\n\r\nname,price\r\n\xff\x00\r\n--XyZ--\r\n";
        let parts = parse(body, "XyZ").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "website_id");
        assert_eq!(parts[0].filename, None);
        assert_eq!(parts[0].data, b"1");
        assert_eq!(parts[1].name, "file");
        assert_eq!(parts[1].filename.as_deref(), Some("a \"b\".csv"));
        assert_eq!(parts[1].data, b"name,price\r\n\xff\x00");
    }

    #[test]
    fn parses_empty_parts_and_rejects_garbage() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"e.csv\"\r\n\r\n\r\n--b--";
        let parts = parse(body, "b").unwrap();
        assert_eq!(parts[0].data, b"");
        assert!(parse(b"no delimiter here", "b").is_err());
        assert!(parse(
            b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nunterminated",
            "b"
        )
        .is_err());
        assert!(parse(b"--b", "b").is_err());
        assert!(parse(b"", "b").is_err());
    }

    #[test]
    fn csv_rfc4180() {
        let rows = parse_csv(
            "\u{feff}name,description,price\r\n\"Widget, large\",\"He said \"\"hi\"\"\nthen left\",9.99\r\n\r\nGadget,,5\nlast,row,\"1\"",
            usize::MAX,
        )
        .unwrap();
        assert_eq!(
            rows,
            vec![
                vec!["name", "description", "price"],
                vec!["Widget, large", "He said \"hi\"\nthen left", "9.99"],
                vec!["Gadget", "", "5"],
                vec!["last", "row", "1"],
            ]
        );
        assert_eq!(parse_csv("a,b\n", usize::MAX).unwrap(), vec![vec!["a", "b"]]);
        assert_eq!(parse_csv("a,\n", usize::MAX).unwrap(), vec![vec!["a", ""]]);
        assert_eq!(parse_csv("a\nb\nc\nd\n", 2).unwrap(), vec![vec!["a"], vec!["b"]]);
        assert!(parse_csv("", usize::MAX).unwrap().is_empty());
        let err = parse_csv("a,b\n\"open,c\n", usize::MAX).unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        // A quote inside an unquoted field is kept as is.
        assert_eq!(
            parse_csv("5\" pipe,x", usize::MAX).unwrap(),
            vec![vec!["5\" pipe", "x"]]
        );
    }
}
