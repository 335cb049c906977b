# Turns the viewer page (index.html, viewer.css, viewer.js in this folder) into the C++ header
# include/tracewire/export/detail/html_page.hpp, which HtmlExporter and tracewire-view write:
# the style and the script are inlined, their SHA-256 hashes go into the page's content
# security policy (so no other script or style can run, whatever the data holds), and the
# page is split at its data placeholder.
#
#   cmake -DPAGE_DIR=tools/view/page -DOUTPUT=include/tracewire/export/detail/html_page.hpp -P embed_page.cmake
#   ... -DCHECK=ON: fails when OUTPUT differs from what would be generated (the sync test).
cmake_minimum_required(VERSION 3.25)

foreach(variable PAGE_DIR OUTPUT)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "embed_page.cmake: -D${variable}=... is required")
  endif()
endforeach()

file(READ "${PAGE_DIR}/index.html" page)
file(READ "${PAGE_DIR}/viewer.css" style)
file(READ "${PAGE_DIR}/viewer.js" script)

# An inlined style or script ends at the first `</style` or `</script`, whatever its case.
string(TOLOWER "${style}" lower_style)
string(TOLOWER "${script}" lower_script)
foreach(pair "lower_style;</style" "lower_script;</script")
  list(GET pair 0 name)
  list(GET pair 1 needle)
  string(FIND "${${name}}" "${needle}" found)
  if(NOT found EQUAL -1)
    message(FATAL_ERROR "embed_page.cmake: the page's ${name} contains ${needle}, which would end it early")
  endif()
endforeach()

# A CSP source hash is the base64 of the SHA-256 digest of the element's exact text.
function(csp_hash content out)
  string(SHA256 hex "${content}")
  set(alphabet "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
  string(LENGTH "${hex}" length)
  set(result "")
  set(at 0)
  while(at LESS length)
    math(EXPR left "${length} - ${at}")
    if(left GREATER_EQUAL 6)
      string(SUBSTRING "${hex}" ${at} 6 group)
      set(characters 4)
      set(padding "")
    elseif(left EQUAL 4)
      string(SUBSTRING "${hex}" ${at} 4 group)
      string(APPEND group "00")
      set(characters 3)
      set(padding "=")
    else()
      string(SUBSTRING "${hex}" ${at} 2 group)
      string(APPEND group "0000")
      set(characters 2)
      set(padding "==")
    endif()
    math(EXPR value "0x${group}")
    set(quad "")
    foreach(shift 18 12 6 0)
      math(EXPR index "(${value} >> ${shift}) & 63")
      string(SUBSTRING "${alphabet}" ${index} 1 character)
      string(APPEND quad "${character}")
    endforeach()
    string(SUBSTRING "${quad}" 0 ${characters} quad)
    string(APPEND result "${quad}${padding}")
    math(EXPR at "${at} + 6")
  endwhile()
  set(${out} "'sha256-${result}'" PARENT_SCOPE)
endfunction()

csp_hash("${style}" style_hash)
csp_hash("${script}" script_hash)

function(replace_once placeholder replacement)
  string(FIND "${page}" "${placeholder}" first)
  string(FIND "${page}" "${placeholder}" last REVERSE)
  if(first EQUAL -1 OR NOT first EQUAL last)
    message(FATAL_ERROR "embed_page.cmake: index.html must hold ${placeholder} exactly once")
  endif()
  string(REPLACE "${placeholder}" "${replacement}" page "${page}")
  set(page "${page}" PARENT_SCOPE)
endfunction()

replace_once("<link rel=\"stylesheet\" href=\"viewer.css\">" "<style>${style}</style>")
replace_once("<script src=\"viewer.js\"></script>" "<script>${script}</script>")
replace_once("@STYLE_HASH@" "${style_hash}")
replace_once("@SCRIPT_HASH@" "${script_hash}")

string(FIND "${page}" "@DATA@" data_at)
string(FIND "${page}" "@DATA@" data_last REVERSE)
if(data_at EQUAL -1 OR NOT data_at EQUAL data_last)
  message(FATAL_ERROR "embed_page.cmake: index.html must hold @DATA@ exactly once")
endif()
string(SUBSTRING "${page}" 0 ${data_at} before)
math(EXPR after_at "${data_at} + 6")
string(SUBSTRING "${page}" ${after_at} -1 after)

set(delimiter "twpage")
string(FIND "${page}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "embed_page.cmake: the page contains the raw string delimiter )${delimiter}\"")
endif()

# Raw string literals of at most ~12 KiB (some compilers limit one literal), cut after a newline
# so that no UTF-8 sequence is split.
function(literals text out)
  set(result "")
  while(NOT text STREQUAL "")
    string(LENGTH "${text}" length)
    if(length LESS_EQUAL 12000)
      set(piece "${text}")
      set(text "")
    else()
      string(SUBSTRING "${text}" 0 12000 head)
      string(FIND "${head}" "\n" cut REVERSE)
      if(cut EQUAL -1)
        message(FATAL_ERROR "embed_page.cmake: a line of the page is longer than 12000 bytes")
      endif()
      math(EXPR cut "${cut} + 1")
      string(SUBSTRING "${text}" 0 ${cut} piece)
      string(SUBSTRING "${text}" ${cut} -1 text)
    endif()
    string(APPEND result "    R\"${delimiter}(${piece})${delimiter}\",\n")
  endwhile()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

literals("${before}" before_literals)
literals("${after}" after_literals)

set(header "// html_page: the trace viewer page, generated from tools/view/page by embed_page.cmake; do not edit.
// Regenerate with `cmake --build --preset dev --target tracewire_view_page`.
#pragma once

#include <string_view>

namespace tracewire {
inline namespace v0 {
namespace detail {

/// The page up to its data: the document head, the inline style, the layout, and the opening
/// `<script type=\"application/json\">` tag the data goes into (HTML-safe JSON, see
/// `append_html_safe_json`).
inline constexpr std::string_view html_page_before_data[] = {
${before_literals}};

/// The page after its data: the closing tag of the data block and the inline script.
inline constexpr std::string_view html_page_after_data[] = {
${after_literals}};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire
")

if(CHECK)
  set(current "")
  if(EXISTS "${OUTPUT}")
    file(READ "${OUTPUT}" current)
  endif()
  if(NOT current STREQUAL header)
    message(FATAL_ERROR "${OUTPUT} is not what tools/view/page generates: "
                        "run `cmake --build --preset dev --target tracewire_view_page` and commit the result")
  endif()
  message(STATUS "${OUTPUT} matches tools/view/page")
else()
  file(WRITE "${OUTPUT}" "${header}")
endif()
