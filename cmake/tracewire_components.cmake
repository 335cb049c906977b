# How the top-level CMakeLists.txt decides which optional components to provide.

# Reads the cache variable <option> (AUTO by default; ON/OFF and CMake's other booleans
# accepted) into <out> as exactly AUTO, ON or OFF.
function(tracewire_component_mode out option)
  set(${option} AUTO CACHE STRING
    "AUTO: provide the component when its dependencies are found; ON: require them; OFF: never")
  set_property(CACHE ${option} PROPERTY STRINGS AUTO ON OFF)
  string(TOUPPER "${${option}}" value)
  if(value STREQUAL "AUTO")
    set(${out} AUTO PARENT_SCOPE)
  elseif(${option})
    set(${out} ON PARENT_SCOPE)
  else()
    set(${out} OFF PARENT_SCOPE)
  endif()
endfunction()

# After the find_package calls of <component>: provides it when every variable of
# <found_variables> is true. Otherwise ON stops the configure naming <debian_packages>, and
# AUTO says in the configure output what is left out and why. Appends the component to
# TRACEWIRE_COMPONENTS.
function(tracewire_require_component component option mode found_variables what debian_packages)
  set(found TRUE)
  foreach(variable IN LISTS found_variables)
    if(NOT ${variable})
      set(found FALSE)
    endif()
  endforeach()
  if(found)
    set(TRACEWIRE_PROVIDE_${component} ON PARENT_SCOPE)
    list(APPEND TRACEWIRE_COMPONENTS ${component})
    set(TRACEWIRE_COMPONENTS ${TRACEWIRE_COMPONENTS} PARENT_SCOPE)
  elseif(mode STREQUAL "ON")
    message(FATAL_ERROR
      "${option}=ON, but tracewire::${component} needs ${what}: not found.\n"
      "On Debian or Ubuntu: apt-get install ${debian_packages}\n"
      "(or configure with -D${option}=OFF to leave tracewire::${component} out)")
  else()
    message(STATUS "tracewire::${component} left out: ${what} not found "
      "(Debian: ${debian_packages}; -D${option}=ON makes it required)")
  endif()
endfunction()

# Defines tracewire_<component> (an INTERFACE library of the core and <link targets...>)
# when the component is provided.
function(tracewire_provide_component component)
  if(TRACEWIRE_PROVIDE_${component})
    add_library(tracewire_${component} INTERFACE)
    target_link_libraries(tracewire_${component} INTERFACE tracewire ${ARGN})
  endif()
endfunction()
