/**
 * HTTP concerns shared by every feature: RFC 9457 problem details that name the offending fields,
 * and the exceptions features throw to produce them.
 */
package io.faultline.scheduler.web;
