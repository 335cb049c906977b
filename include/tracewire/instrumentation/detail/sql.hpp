// SQL text for database spans: literals replaced (db.query.text), a query summary
// (db.query.summary), and a sqlcommenter comment carrying the trace context.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tracewire/core/detail/ascii.hpp"
#include "tracewire/core/detail/percent_encoding.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// One lexical token of PostgreSQL's SQL, as far as the functions below need to tell them apart.
struct SqlToken {
  enum class Kind { word, quoted_identifier, literal, parameter, comment, space, symbol };
  Kind kind;
  std::string_view text;
};

/// Splits `sql` into tokens the way PostgreSQL's lexer delimits them: `--` and nested
/// `/* */` comments; string constants ('', E'' with backslash escapes, B'', X'', U&''), and
/// dollar-quoted ones ($tag$...$tag$); numbers (not the digits of a word); `$1` parameters;
/// "quoted identifiers"; words. An unterminated construct runs to the end of the text.
inline std::vector<SqlToken> sql_tokens(std::string_view sql) {
  std::vector<SqlToken> tokens;
  const auto is_word_start = [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80);
  };
  const auto is_word_char = [&](char c) {
    return is_word_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$';
  };
  const auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  std::size_t i = 0;
  const std::size_t n = sql.size();
  // The end of a '...' constant starting at `quote`; `backslashes`: E'' escapes.
  const auto string_end = [&](std::size_t quote, bool backslashes) {
    std::size_t j = quote + 1;
    while (j < n) {
      if (backslashes && sql[j] == '\\') {
        j += 2;
      } else if (sql[j] == '\'') {
        if (j + 1 < n && sql[j + 1] == '\'') {
          j += 2;
        } else {
          return j + 1;
        }
      } else {
        ++j;
      }
    }
    return n;
  };
  while (i < n) {
    const char c = sql[i];
    const std::size_t start = i;
    SqlToken::Kind kind = SqlToken::Kind::symbol;
    if (std::isspace(static_cast<unsigned char>(c))) {
      while (i < n && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
      kind = SqlToken::Kind::space;
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      while (i < n && sql[i] != '\n') ++i;
      kind = SqlToken::Kind::comment;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      int depth = 0;
      while (i < n) {
        if (sql.compare(i, 2, "/*") == 0) {
          ++depth;
          i += 2;
        } else if (sql.compare(i, 2, "*/") == 0) {
          i += 2;
          if (--depth == 0) break;
        } else {
          ++i;
        }
      }
      kind = SqlToken::Kind::comment;
    } else if (c == '\'') {
      i = string_end(i, false);
      kind = SqlToken::Kind::literal;
    } else if ((c == 'E' || c == 'e' || c == 'B' || c == 'b' || c == 'X' || c == 'x' || c == 'N' || c == 'n') &&
               i + 1 < n && sql[i + 1] == '\'') {
      i = string_end(i + 1, c == 'E' || c == 'e');
      kind = SqlToken::Kind::literal;
    } else if ((c == 'U' || c == 'u') && sql.compare(i + 1, 2, "&'") == 0) {
      i = string_end(i + 2, false);
      kind = SqlToken::Kind::literal;
    } else if (c == '"') {
      i = sql.find('"', i + 1);
      while (i != std::string_view::npos && i + 1 < n && sql[i + 1] == '"') i = sql.find('"', i + 2);
      i = i == std::string_view::npos ? n : i + 1;
      kind = SqlToken::Kind::quoted_identifier;
    } else if (c == '$' && i + 1 < n && digit(sql[i + 1])) {
      ++i;
      while (i < n && digit(sql[i])) ++i;
      kind = SqlToken::Kind::parameter;
    } else if (c == '$') {
      // $tag$ ... $tag$ (the tag may be empty)
      std::size_t tag_end = i + 1;
      while (tag_end < n && sql[tag_end] != '$' && is_word_char(sql[tag_end])) ++tag_end;
      if (tag_end < n && sql[tag_end] == '$') {
        const std::string_view tag = sql.substr(i, tag_end - i + 1);
        const std::size_t close = sql.find(tag, tag_end + 1);
        i = close == std::string_view::npos ? n : close + tag.size();
        kind = SqlToken::Kind::literal;
      } else {
        ++i;
      }
    } else if (digit(c) || (c == '.' && i + 1 < n && digit(sql[i + 1]))) {
      while (i < n && (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '.' || sql[i] == '_')) {
        // an exponent's sign belongs to the number: 1e-5
        if ((sql[i] == 'e' || sql[i] == 'E') && i + 1 < n && (sql[i + 1] == '-' || sql[i + 1] == '+')) ++i;
        ++i;
      }
      kind = SqlToken::Kind::literal;
    } else if (is_word_start(c)) {
      while (i < n && is_word_char(sql[i])) ++i;
      kind = SqlToken::Kind::word;
    } else {
      ++i;
    }
    tokens.push_back({kind, sql.substr(start, i - start)});
  }
  return tokens;
}

/// `sql` with every literal value — string, number, bit string, dollar-quoted, TRUE and
/// FALSE — replaced by `?` and comments removed, as `db.query.text` may record a query that
/// was not written with parameters (the semantic conventions' sanitization). Parameters
/// (`$1`), identifiers and keywords stay.
inline std::string sanitize_sql(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  for (const SqlToken& token : sql_tokens(sql)) {
    switch (token.kind) {
      case SqlToken::Kind::literal:
        out.push_back('?');
        break;
      case SqlToken::Kind::comment:
        if (!out.empty() && out.back() != ' ') out.push_back(' ');
        break;
      case SqlToken::Kind::word:
        if (equals_ignore_case(token.text, "true") || equals_ignore_case(token.text, "false")) {
          out.push_back('?');
        } else {
          out.append(token.text);
        }
        break;
      default:
        out.append(token.text);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

/// A low-cardinality summary of a query (`db.query.summary`), as the database semantic
/// conventions describe it: its operations and their targets in the order written,
/// `{operation} {target} {operation} {target} ...` — `SELECT wuser_table`, `INSERT
/// shipping_details SELECT orders`, `SELECT songs artists`, `CREATE TABLE items`, `CALL
/// refresh_totals`. A table-valued function (`FROM generate_series(...)`) is no target.
/// Names are kept as written; at most 255 characters, never cutting a name. Empty when
/// the text has no operation.
inline std::string summarize_sql(std::string_view sql) {
  using Kind = SqlToken::Kind;
  // Operations wherever they appear (subqueries, WITH clauses) ...
  static constexpr std::string_view operations[] = {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE"};
  // ... and those that only begin a statement (SET in UPDATE ... SET is no operation).
  static constexpr std::string_view statements[] = {
      "CALL",      "CREATE",  "ALTER",  "DROP",   "TRUNCATE", "COPY",    "BEGIN",   "COMMIT",     "ROLLBACK",
      "SAVEPOINT", "RELEASE", "SET",    "SHOW",   "RESET",    "VACUUM",  "ANALYZE", "EXPLAIN",    "GRANT",
      "REVOKE",    "LOCK",    "LISTEN", "NOTIFY", "UNLISTEN", "PREPARE", "EXECUTE", "DEALLOCATE", "DO",
      "REFRESH",   "DECLARE", "FETCH",  "CLOSE",  "START",    "END"};
  // SELECT ... FOR UPDATE, ON CONFLICT DO UPDATE: a lock or a clause, not an operation.
  static constexpr std::string_view not_after[] = {"FOR", "KEY", "DO"};
  // After these the next name is a target (a table, or a procedure for CALL).
  static constexpr std::string_view target_before[] = {"FROM",     "JOIN", "INTO", "UPDATE", "TABLE",  "CALL",
                                                       "TRUNCATE", "COPY", "LOCK", "VACUUM", "ANALYZE"};
  // Between such a word and its target.
  static constexpr std::string_view before_name[] = {"ONLY", "IF", "NOT", "EXISTS", "LATERAL"};
  // What ends a FROM list (otherwise a comma there brings another target).
  static constexpr std::string_view list_end[] = {"WHERE",  "GROUP", "ORDER", "LIMIT",  "OFFSET",    "HAVING",
                                                  "ON",     "USING", "UNION", "EXCEPT", "INTERSECT", "RETURNING",
                                                  "WINDOW", "FOR",   "SET",   "VALUES", "FETCH"};
  // Object types after CREATE, ALTER and DROP: part of the operation.
  static constexpr std::string_view object_types[] = {"TABLE",     "INDEX",    "VIEW",      "SEQUENCE",
                                                      "SCHEMA",    "FUNCTION", "PROCEDURE", "TYPE",
                                                      "EXTENSION", "DATABASE", "TRIGGER"};
  const auto is_one_of = [](const SqlToken& token, const auto& list) {
    return token.kind == Kind::word && std::any_of(std::begin(list), std::end(list), [&](std::string_view entry) {
             return equals_ignore_case(token.text, entry);
           });
  };
  std::vector<SqlToken> tokens;
  for (const SqlToken& token : sql_tokens(sql)) {
    if (token.kind != Kind::space && token.kind != Kind::comment) tokens.push_back(token);
  }
  const auto is_name = [&](std::size_t i) {
    return i < tokens.size() && (tokens[i].kind == Kind::word || tokens[i].kind == Kind::quoted_identifier);
  };
  std::string summary;
  const auto append = [&summary](std::string_view part) {
    if (summary.size() + (summary.empty() ? 0 : 1) + part.size() > 255) return false;
    if (!summary.empty()) summary.push_back(' ');
    summary.append(part);
    return true;
  };
  bool expect_target = false;
  bool functions_possible = false;  // after FROM and JOIN, name( is a function, not a table
  bool from_list = false;           // after FROM, a comma brings another target
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const SqlToken& token = tokens[i];
    if (expect_target && is_one_of(token, before_name)) continue;
    const bool statement_start = i == 0 || tokens[i - 1].text == ";";
    if (is_one_of(token, operations) && i > 0 && is_one_of(tokens[i - 1], not_after)) {
      expect_target = false;
      continue;
    }
    const bool operation = is_one_of(token, operations) || (statement_start && is_one_of(token, statements));
    if (operation && !(expect_target && is_one_of(token, target_before))) {
      std::string operation(token.text);
      const bool ddl = equals_ignore_case(token.text, "CREATE") || equals_ignore_case(token.text, "ALTER") ||
                       equals_ignore_case(token.text, "DROP");
      const bool object = ddl && i + 1 < tokens.size() && is_one_of(tokens[i + 1], object_types);
      if (object) operation.append(" ").append(tokens[++i].text);
      if (!append(operation)) break;
      expect_target = object || is_one_of(token, target_before);
      functions_possible = false;
      from_list = false;
      continue;
    }
    if (is_one_of(token, target_before)) {
      expect_target = true;
      functions_possible = equals_ignore_case(token.text, "FROM") || equals_ignore_case(token.text, "JOIN");
      from_list = equals_ignore_case(token.text, "FROM");
      continue;
    }
    if (expect_target && is_name(i)) {
      std::size_t last = i;  // schema.table is one target
      while (last + 2 < tokens.size() && tokens[last + 1].text == "." && is_name(last + 2)) last += 2;
      const bool function = functions_possible && last + 1 < tokens.size() && tokens[last + 1].text == "(";
      if (!function) {
        std::string target(token.text);
        for (std::size_t part = i + 2; part <= last; part += 2) target.append(".").append(tokens[part].text);
        if (!append(target)) break;
      }
      i = last;
      expect_target = false;
      continue;
    }
    if (token.text == "," && from_list) {
      expect_target = true;
      continue;
    }
    // An alias or a symbol; a clause keyword ends the FROM list.
    if (is_one_of(token, list_end)) from_list = false;
    if (token.text == "(" || token.text == ";") from_list = false;
    expect_target = false;
  }
  return summary;
}

/// The comment sqlcommenter (google.github.io/sqlcommenter) appends to a query:
/// `/*key='value',...*/`, keys sorted, keys and values URL-encoded. Empty without fields.
inline std::string sqlcommenter_comment(std::vector<std::pair<std::string, std::string>> fields) {
  if (fields.empty()) return {};
  std::sort(fields.begin(), fields.end());
  const auto unreserved = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
  };
  std::string comment = "/*";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) comment.push_back(',');
    percent_encode(fields[i].first, comment, unreserved);
    comment.append("='");
    percent_encode(fields[i].second, comment, unreserved);
    comment.push_back('\'');
  }
  comment.append("*/");
  return comment;
}

/// `sql` with `comment` appended after the statement (before a final `;`), unless the
/// statement already has a comment, which sqlcommenter says to leave alone.
inline std::string with_sql_comment(std::string_view sql, std::string_view comment) {
  if (comment.empty()) return std::string(sql);
  for (const SqlToken& token : sql_tokens(sql)) {
    if (token.kind == SqlToken::Kind::comment) return std::string(sql);
  }
  std::size_t end = sql.size();
  while (end > 0 && std::isspace(static_cast<unsigned char>(sql[end - 1]))) --end;
  const bool semicolon = end > 0 && sql[end - 1] == ';';
  if (semicolon) --end;
  std::string out(sql.substr(0, end));
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  out.append(" ").append(comment);
  if (semicolon) out.push_back(';');
  return out;
}

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
