/** Contract violations: every broken rule named by JSON path and rule keyword. */
package io.faultline.events.validation;
